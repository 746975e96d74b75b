import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import type { Db } from '~~/server/db/client'
import * as schema from '~~/server/db/schema'

/** An embedded database in this process with the project's real migrations applied. */
export async function openMigratedDb(): Promise<{ client: PGlite, db: Db }> {
  const client = await PGlite.create({ extensions: { pg_trgm } })
  const db = drizzle(client, { schema }) as unknown as Db
  await migrate(db as never, { migrationsFolder: 'drizzle' })
  return { client, db }
}

/** One member, their project and a group conversation they take part in. */
export async function seedConversation(db: Db, email = 'member@example.com') {
  const { conversationParticipants, conversations, profiles, projects } = schema
  const [user] = await db.insert(profiles).values({ email, displayName: 'M' }).returning()
  const [project] = await db.insert(projects).values({ name: 'p', createdBy: user!.id }).returning()
  const [conversation] = await db.insert(conversations).values({ projectId: project!.id, type: 'group', title: 't', createdBy: user!.id }).returning()
  await db.insert(conversationParticipants).values({ conversationId: conversation!.id, userId: user!.id })
  return { user: user!, projectId: project!.id, conversationId: conversation!.id }
}
