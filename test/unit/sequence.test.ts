import { randomUUID } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '~~/server/db/client'
import * as schema from '~~/server/db/schema'
import { insertMessage } from '~~/server/services/messages/insert'
import { takeNextSeq, takeSeqRange } from '~~/server/services/messages/sequence'
import { openMigratedDb, seedConversation } from '../support/embedded-db'

const { conversationParticipants, conversations, messages } = schema

// The per-conversation counter has one home (sequence.ts) and one insert of a message on top of it;
// both run here on the embedded database with the real migrations.
let client: PGlite
let db: Db
let userId: string
let conversationId: string

beforeAll(async () => {
  ;({ client, db } = await openMigratedDb())
  const seeded = await seedConversation(db, 'seq@example.com')
  userId = seeded.user.id
  conversationId = seeded.conversationId
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
