import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { socketClosed, socketOpened } from '../../server/services/people/presence'
import { liveSockets } from '../../server/services/people/presence-sockets'
import { renewOwnHeartbeats } from '../../server/services/people/presence-sweep'
import { DEFAULT_PRESENCE_TTL_SECONDS } from '../../server/services/people/presence-timing'

// Heartbeats in this process's memory (no REDIS_URL), renewed as the heartbeat plugin does. No
// user here loses their last socket: that would record a last-seen time in the (absent) database.
const TTL_MS = DEFAULT_PRESENCE_TTL_SECONDS * 1000
const T0 = Date.UTC(2026, 0, 1)

describe('heartbeat renewal of an instance\'s own sockets', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(T0)
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  async function open(count: number, userId?: string) {
    const sockets = Array.from({ length: count }, () => ({ userId: userId ?? randomUUID(), socketId: randomUUID() }))
    for (const s of sockets) await socketOpened(s.userId, s.socketId)
    return sockets
  }

  it('keeps every socket live past its first TTL, however many the instance holds', async () => {
    const sockets = await open(1234)
    vi.setSystemTime(T0 + TTL_MS / 2)
    await renewOwnHeartbeats()
    const later = T0 + TTL_MS + 1000
    expect(await liveSockets().expired(later, 10_000)).toEqual([])
    const counts = await liveSockets().counts(sockets.map(s => s.userId), later)
    expect(counts.every(c => c.live === 1)).toBe(true)
  })

  it('does not bring back a socket that closed while the renewal was under way', async () => {
    await open(1234)
    // Opened last, so renewed in the last batch; the user keeps another socket open.
    const [kept, closing] = await open(2, randomUUID())
    vi.setSystemTime(T0 + TTL_MS / 2)
    const renewal = renewOwnHeartbeats()
    await socketClosed(closing!.userId, closing!.socketId)
    await renewal
    const [count] = await liveSockets().counts([kept!.userId], T0 + TTL_MS / 2 + 1000)
    expect(count).toEqual({ live: 1, active: 1 })
  })
})
