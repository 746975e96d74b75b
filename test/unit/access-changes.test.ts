import { randomUUID } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '~~/server/db/client'
import * as schema from '~~/server/db/schema'
import { parseAccessChange } from '~~/server/db/access-changes'
import { insertPlainMessages } from '~~/server/services/messages/plain-insert'

const { conversationParticipants, conversations, messages, profiles, projects, userSanctions } = schema

// The database itself announces what can open or close a conversation to a member (migration
// 0022), and the plain-message insert checks membership, bans and mutes again at commit; both on
// the embedded database with the real migrations.
let client: PGlite
let db: Db
let member: string
let outsider: string
let projectId: string
let conversationId: string
const heard: string[] = []

beforeAll(async () => {
  client = await PGlite.create({ extensions: { pg_trgm } })
  db = drizzle(client, { schema }) as unknown as Db
  await migrate(db as never, { migrationsFolder: 'drizzle' })
  const [m, o] = await db.insert(profiles).values([{ email: 'm@example.com', displayName: 'M' }, { email: 'o@example.com', displayName: 'O' }]).returning()
  member = m!.id
  outsider = o!.id
  const [project] = await db.insert(projects).values({ name: 'p', createdBy: member }).returning()
  projectId = project!.id
  const [conversation] = await db.insert(conversations).values({ projectId, type: 'group', title: 't', createdBy: member }).returning()
  conversationId = conversation!.id
  await db.insert(conversationParticipants).values({ conversationId, userId: member })
  await client.listen('chat_access', payload => heard.push(payload))
}, 60_000)

afterAll(() => client.close())

/** What the channel carried while `change` ran and committed. */
async function announced(change: () => Promise<unknown>): Promise<string[]> {
  heard.length = 0
  await change()
  await client.query('select 1')
  return [...heard]
}

const plain = (senderId: string) => ({ conversationId, senderId, clientId: randomUUID(), content: 'hi', contentHtml: '<p>hi</p>' })
const counter = async () => (await db.select({ lastSeq: conversations.lastSeq }).from(conversations).where(eq(conversations.id, conversationId)))[0]!.lastSeq

describe('the access feed', () => {
  it('announces memberships, roles, conversation rules and sanctions, and not counters or read markers', async () => {
    expect(await announced(() => db.insert(conversationParticipants).values({ conversationId, userId: outsider }))).toEqual([`p:${conversationId}:${outsider}`])
    expect(await announced(() => db.update(conversationParticipants).set({ role: 'admin' }).where(eq(conversationParticipants.userId, outsider)))).toEqual([`p:${conversationId}:${outsider}`])
    expect(await announced(() => db.update(conversationParticipants).set({ lastReadSeq: 5, muted: true }).where(eq(conversationParticipants.userId, outsider)))).toEqual([])
    expect(await announced(() => db.delete(conversationParticipants).where(eq(conversationParticipants.userId, outsider)))).toEqual([`p:${conversationId}:${outsider}`])
    expect(await announced(() => db.update(conversations).set({ status: 'locked' }).where(eq(conversations.id, conversationId)))).toEqual([`c:${conversationId}`])
    expect(await announced(() => db.update(conversations).set({ settings: { slowModeSeconds: 0 }, status: 'active' }).where(eq(conversations.id, conversationId)))).toEqual([`c:${conversationId}`])
    expect(await announced(() => db.update(conversations).set({ lastSeq: sql`${conversations.lastSeq} + 1`, title: 'renamed' }).where(eq(conversations.id, conversationId)))).toEqual([])
    expect(await announced(() => db.insert(userSanctions).values({ userId: outsider, kind: 'mute', conversationId }))).toEqual([`u:${outsider}`])
    expect(await announced(() => db.update(userSanctions).set({ revokedAt: new Date() }).where(eq(userSanctions.userId, outsider)))).toEqual([`u:${outsider}`])
    // A rolled-back change is not announced.
    expect(await announced(() => db.transaction(async (tx) => {
      await tx.update(conversations).set({ status: 'archived' }).where(eq(conversations.id, conversationId))
      tx.rollback()
    }).catch(() => undefined))).toEqual([])
  })

  it('reads its payloads', () => {
    expect(parseAccessChange(`p:${conversationId}:${member}`)).toEqual({ kind: 'participant', conversationId, userId: member })
    expect(parseAccessChange(`c:${conversationId}`)).toEqual({ kind: 'conversation', conversationId })
    expect(parseAccessChange(`u:${member}`)).toEqual({ kind: 'user', userId: member })
    expect(parseAccessChange('ping:another-instance:3')).toBeNull()
    expect(parseAccessChange('nonsense')).toBeNull()
  })
})

describe('the plain-message insert checks the sender again at commit', () => {
  it('stores a member\'s message and leaves out one from a non-member, a muted and a banned sender, with no seq taken', async () => {
    const before = await counter()
    const stored = await insertPlainMessages(db, [plain(member), plain(outsider)])
    expect(stored.map(r => r.senderId)).toEqual([member])
    expect(await counter()).toBe(before + 1)

    const [mute] = await db.insert(userSanctions).values({ userId: member, kind: 'mute', projectId }).returning()
    expect(await insertPlainMessages(db, [plain(member)])).toEqual([])
    await db.update(userSanctions).set({ until: new Date(Date.now() - 1000) }).where(eq(userSanctions.id, mute!.id))
    expect(await insertPlainMessages(db, [plain(member)])).toHaveLength(1)

    const [ban] = await db.insert(userSanctions).values({ userId: member, kind: 'ban', projectId }).returning()
    expect(await insertPlainMessages(db, [plain(member)])).toEqual([])
    await db.update(userSanctions).set({ revokedAt: new Date() }).where(eq(userSanctions.id, ban!.id))

    // A mute in another conversation does not silence this one.
    const [other] = await db.insert(conversations).values({ projectId, type: 'group', title: 'other', createdBy: member }).returning()
    await db.insert(userSanctions).values({ userId: member, kind: 'mute', conversationId: other!.id })
    expect(await insertPlainMessages(db, [plain(member)])).toHaveLength(1)

    const seqs = (await db.select({ seq: messages.seq }).from(messages).where(eq(messages.conversationId, conversationId))).map(r => r.seq).sort((a, b) => a - b)
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    expect(await counter()).toBe(before + 3)
  })
})
