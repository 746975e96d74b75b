import { randomUUID } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '~~/server/db/client'
import * as schema from '~~/server/db/schema'
import { insertMessage } from '~~/server/services/messages/insert'
import { takeNextSeq, takeSeqRange } from '~~/server/services/messages/sequence'

const { conversationParticipants, conversations, messages, profiles, projects } = schema

// The per-conversation counter has one home (sequence.ts) and one insert of a message on top of it;
// both run here on the embedded database with the real migrations.
let client: PGlite
let db: Db
let userId: string
let conversationId: string

beforeAll(async () => {
  client = await PGlite.create({ extensions: { pg_trgm } })
  db = drizzle(client, { schema }) as unknown as Db
  await migrate(db as never, { migrationsFolder: 'drizzle' })
  const [user] = await db.insert(profiles).values({ email: 'seq@example.com', displayName: 'Seq' }).returning()
  const [project] = await db.insert(projects).values({ name: 'p', createdBy: user!.id }).returning()
  const [conversation] = await db.insert(conversations).values({ projectId: project!.id, type: 'group', title: 't', createdBy: user!.id }).returning()
  userId = user!.id
  conversationId = conversation!.id
  await db.insert(conversationParticipants).values({ conversationId, userId })
}, 60_000)

afterAll(() => client.close())

const counter = async () => (await db.select().from(conversations).where(eq(conversations.id, conversationId)))[0]!
const readMarker = async () => (await db.select().from(conversationParticipants).where(eq(conversationParticipants.conversationId, conversationId)))[0]!.lastReadSeq
const send = (content: string, markRead = true) =>
  insertMessage(db, { conversationId, clientId: randomUUID(), senderId: userId, content, contentHtml: content }, { markRead })

describe('the conversation counter', () => {
  it('gives each new message the next seq, as its first updatedSeq too, and stamps the last message time', async () => {
    const first = await send('one')
    const second = await send('two')
    expect([first.seq, first.updatedSeq, second.seq, second.updatedSeq]).toEqual([1, 1, 2, 2])
    const row = await counter()
    expect(row.lastSeq).toBe(2)
    expect(row.lastMessageAt?.getTime()).toBe(second.createdAt.getTime())
  })

  it('moves the sender\'s read marker with their own send, and only then', async () => {
    const before = await readMarker()
    const line = await send('a system line', false)
    expect(await readMarker()).toBe(before)
    const own = await send('mine')
    expect([line.seq, await readMarker()]).toEqual([before + 1, own.seq])
  })

  it('hands out ranges and single values in a transaction without gaps, leaving the last message time alone', async () => {
    const { lastSeq, lastMessageAt } = await counter()
    const [first, next] = await db.transaction(async tx => [await takeSeqRange(tx, conversationId, 3), await takeNextSeq(tx, conversationId)])
    expect([first, next]).toEqual([lastSeq + 1, lastSeq + 4])
    const after = await counter()
    expect([after.lastSeq, after.lastMessageAt?.getTime()]).toEqual([lastSeq + 4, lastMessageAt?.getTime()])
  })

  it('returns what was stored, every column but the search vectors', async () => {
    const row = await send('hello world')
    const [stored] = await db.select().from(messages).where(eq(messages.id, row.id))
    const { search: _search, cjk: _cjk, ...rest } = stored!
    expect(row).toEqual(rest)
  })
})
