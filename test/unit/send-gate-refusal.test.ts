import { randomUUID } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Db } from '~~/server/db/client'
import { userSanctions } from '~~/server/db/schema'
import type { Actor } from '~~/server/domain/actor'
import { readSendGate } from '~~/server/services/messages/send-gate'
import { openMigratedDb, seedConversation } from '../support/embedded-db'

// The access feed stays live and quiet here: a change made by another connection whose notice has
// not arrived yet, as on a busy instance in the moment after a moderator's click.
vi.mock('~~/server/db/access-changes', () => ({ accessFeedLive: () => true, onAccessChange: () => () => {} }))

let client: PGlite
let db: Db
let actor: Actor
let conversationId: string

beforeAll(async () => {
  ;({ client, db } = await openMigratedDb())
  const seeded = await seedConversation(db, 'm@example.com')
  actor = { id: seeded.user.id, email: 'm@example.com', displayName: 'M', role: 'member', avatarUrl: null, tokenExp: Math.floor(Date.now() / 1000) + 3600 }
  conversationId = seeded.conversationId
}, 60_000)

afterAll(() => client.close())

describe('send checks from memory', () => {
  it('a member who may post is answered from memory on the next send', async () => {
    expect((await readSendGate(db, actor, conversationId, randomUUID())).fromMemory).toBe(false)
    const next = await readSendGate(db, actor, conversationId, randomUUID())
    expect(next.fromMemory).toBe(true)
    expect(next.silenced).toBeNull()
  })

  it('a mute lifted before its notice arrives does not refuse the next send: a refusal is read from the database', async () => {
    const [mute] = await db.insert(userSanctions).values({ userId: actor.id, kind: 'mute', until: new Date(Date.now() + 3_600_000) }).returning()
    // The fresh read a refused insert makes keeps the muted gate in memory.
    const muted = await readSendGate(db, actor, conversationId, randomUUID(), { fresh: true })
    expect(muted.silenced?.kind).toBe('mute')
    expect((await readSendGate(db, actor, conversationId, randomUUID())).silenced?.kind).toBe('mute')

    await db.update(userSanctions).set({ revokedAt: new Date() }).where(eq(userSanctions.id, mute!.id))
    const after = await readSendGate(db, actor, conversationId, randomUUID())
    expect(after.silenced).toBeNull()
    expect(after.fromMemory).toBe(false)
  })
})
