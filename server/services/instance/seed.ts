import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { conversationParticipants, conversations, localCredentials, profiles, projectMembers, projects } from '../../db/schema'
import { hashPassword } from '../../infra/auth/passwords'
import { prepareCodeLanguages, renderMarkdown } from '../messages/markdown/render'
import { insertMessage } from '../messages/insert'

const DEMO_USERS = [
  { email: 'admin@example.com', displayName: 'Admin', role: 'admin' as const },
  { email: 'alice@example.com', displayName: 'Alice', role: 'member' as const },
  { email: 'bob@example.com', displayName: 'Bob', role: 'member' as const }
]

async function post(tx: Tx, conversationId: string, senderId: string, content: string) {
  await prepareCodeLanguages(content)
  await insertMessage(tx, { conversationId, clientId: randomUUID(), senderId, content, contentHtml: renderMarkdown(content) })
}

/** Seeds the demo from the contract once: project "Demo", admin, alice and bob (password "password"). */
export async function seedDemo(db: Db): Promise<boolean> {
  const [existing] = await db.select({ id: profiles.id }).from(profiles).where(eq(profiles.email, 'admin@example.com'))
  if (existing) return false
  const passwordHash = await hashPassword('password')
  await db.transaction(async (tx) => {
    const users = await tx.insert(profiles).values(DEMO_USERS).returning()
    await tx.insert(localCredentials).values(users.map(u => ({ userId: u.id, passwordHash })))
    const [admin, alice, bob] = users as [typeof users[0], typeof users[0], typeof users[0]]
    const [project] = await tx.insert(projects).values({ name: 'Demo', createdBy: admin.id }).returning()
    await tx.insert(projectMembers).values([
      { projectId: project!.id, userId: admin.id, role: 'owner' },
      { projectId: project!.id, userId: alice.id, role: 'member' },
      { projectId: project!.id, userId: bob.id, role: 'member' }
    ])
    const make = async (title: string, type: 'project' | 'group' | 'direct', members: string[], directKey?: string) => {
      const [c] = await tx.insert(conversations).values({ projectId: project!.id, title, type, createdBy: admin.id, directKey }).returning()
      await tx.insert(conversationParticipants).values(members.map(userId => ({ conversationId: c!.id, userId, role: userId === admin.id && type !== 'direct' ? 'owner' as const : 'member' as const })))
      return c!.id
    }
    const everyone = [admin.id, alice.id, bob.id]
    const general = await make('general', 'project', everyone)
    const random = await make('random', 'project', everyone)
    const design = await make('design', 'group', [alice.id, bob.id])
    const pair = [alice.id, bob.id].sort()
    const dm = await make('Direct message', 'direct', pair, `${project!.id}:${pair.join(':')}`)
    await post(tx, general, admin.id, 'Welcome to **Demo**! This is the project-wide conversation.')
    await post(tx, general, alice.id, 'Hi everyone :wave:')
    await post(tx, general, bob.id, 'Hello! Here is some code:\n```ts\nconst greet = (name: string) => `hi ${name}`\n```')
    await post(tx, random, admin.id, 'Anything that is not work goes here.')
    await post(tx, design, alice.id, 'Mockups for the sidebar are ready for review.')
    await post(tx, dm, bob.id, 'Hey Alice, do you have a minute?')
  })
  return true
}
