import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { redisSockets, type SocketBeat } from '../../server/services/people/presence-sockets'

// Heartbeats on a real Redis, renewed a batch per call as the renewal does (presence-sweep.ts).
// Its own database, so the shared instances of this suite never sweep these made-up sockets.
const url = new URL(inject('services').redisUrl)
url.pathname = '/5'
const client = new Redis(url.toString(), { enableAutoPipelining: true })
const TTL_MS = 40_000
const T0 = Date.UTC(2026, 0, 1)

afterAll(() => client.disconnect())
beforeEach(async () => {
  await client.flushdb()
})

describe.each([['one server', false], ['cluster key names', true]] as const)('heartbeats in Redis (%s)', (_, cluster) => {
  const sockets = () => redisSockets(client, cluster)

  /** 1,000 users; every fifth has a second socket, next to its first in the same batch. */
  function scene(): SocketBeat[] {
    const beats: SocketBeat[] = []
    for (let i = 0; i < 1000; i++) {
      const userId = randomUUID()
      beats.push({ userId, socketId: randomUUID() })
      if (i % 5 === 0) beats.push({ userId, socketId: randomUUID() })
    }
    return beats
  }

  it('reports each user coming online once, and nobody again when the batch is renewed', async () => {
    const beats = scene()
    const first = await sockets().beat(beats, TTL_MS, T0)
    expect(first.sort()).toEqual([...new Set(beats.map(b => b.userId))].sort())
    expect(await sockets().beat(beats, TTL_MS, T0 + TTL_MS / 2)).toEqual([])
  })

  it('keeps every renewed socket live past its first expiry and counts a user\'s two sockets', async () => {
    const beats = scene()
    await sockets().beat(beats, TTL_MS, T0)
    await sockets().beat(beats, TTL_MS, T0 + TTL_MS / 2)
    const later = T0 + TTL_MS + 1000
    expect(await sockets().expired(later, 10_000)).toEqual([])
    const users = [...new Set(beats.map(b => b.userId))]
    const counts = await sockets().counts(users, later)
    const perUser = new Map<string, number>()
    for (const b of beats) perUser.set(b.userId, (perUser.get(b.userId) ?? 0) + 1)
    expect(counts).toEqual(users.map(u => ({ live: perUser.get(u), active: perUser.get(u) })))
  })

  it('lets a heartbeat that was not renewed run out, dated by its last beat', async () => {
    const [renewed, forgotten] = [{ userId: randomUUID(), socketId: randomUUID() }, { userId: randomUUID(), socketId: randomUUID() }]
    await sockets().beat([renewed, forgotten], TTL_MS, T0)
    await sockets().beat([renewed], TTL_MS, T0 + TTL_MS / 2)
    expect(await sockets().expired(T0 + TTL_MS + 1, 10)).toEqual([{ ...forgotten, expiresAt: T0 + TTL_MS, lastBeatAt: T0 }])
  })

  it('says online again for a user whose heartbeats had all run out, and offline once their last socket goes', async () => {
    const [a, b] = [{ userId: randomUUID(), socketId: randomUUID() }, { userId: randomUUID(), socketId: randomUUID() }]
    await sockets().beat([a, b], TTL_MS, T0)
    await sockets().beat([b], TTL_MS, T0 + TTL_MS / 2)
    // a's heartbeat ran out (its instance stalled); b's second socket opens beside its live first.
    const b2 = { userId: b.userId, socketId: randomUUID() }
    expect(await sockets().beat([a, b2], TTL_MS, T0 + TTL_MS + 1)).toEqual([a.userId])
    expect(await sockets().drop(b, TTL_MS, T0 + TTL_MS + 2)).toBe(false)
    expect(await sockets().drop(b2, TTL_MS, T0 + TTL_MS + 3)).toBe(true)
  })
})
