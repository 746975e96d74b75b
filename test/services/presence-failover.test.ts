import { afterEach, describe, expect, inject, it } from 'vitest'
import type { PresenceChangePayload } from '#shared/events'
import type { PresenceEntry } from '#shared/presence-schemas'
import { ghostBoundMs, presenceTimingFrom } from '../../server/services/people/presence-timing'
import { startInstance, type Instance } from '../support/instance.mjs'
import { api, closeAllSockets, collect, connect, must, nextEvent, setupConversation, signUp, sleep, type Session } from '../support/helpers'
import { instances } from './helpers'

afterEach(() => closeAllSockets())

const presenceOn = async (base: string, viewer: Session, ids: string[]) =>
  must(await api<{ presence: PresenceEntry[] }>(base, 'GET', `/api/presence?userIds=${ids.join(',')}`, { token: viewer.token }), 'presence').presence

describe('presence when an instance dies', () => {
  it('by default a dead instance\'s users show online for at most 60 s', () => {
    const timing = presenceTimingFrom({})
    expect(ghostBoundMs(timing)).toBeLessThanOrEqual(60_000)
    // A live socket survives at least two late or missed renewals.
    expect(timing.refreshMs * 2).toBeLessThan(timing.ttlMs)
    expect(presenceTimingFrom({ PRESENCE_TTL_SECONDS: '3', PRESENCE_SWEEP_SECONDS: '1' })).toEqual({ ttlMs: 3000, sweepMs: 1000, refreshMs: 1000 })
  })

  it('an instance SIGKILLed with a user\'s only socket: offline on the survivors within TTL + sweep; a user with a socket elsewhere stays online', { timeout: 120_000 }, async () => {
    const { A } = instances()
    const { databaseUrl, redisUrl, dataDir } = inject('services')
    // Short heartbeats so the test takes seconds; the defaults give the same bound in under a minute (above).
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, DATA_DIR: dataDir, PRESENCE_TTL_SECONDS: '3', PRESENCE_SWEEP_SECONDS: '1' }
    const bound = ghostBoundMs(presenceTimingFrom(env))
    const servers: Instance[] = await Promise.all([startInstance({ name: 'C', env }), startInstance({ name: 'D', env })])
    const [C, D] = servers as [Instance, Instance]
    try {
      const [alice, bob, carol] = await Promise.all([signUp('Alice', A), signUp('Bob', A), signUp('Carol', A)])
      await setupConversation(alice, [bob, carol], 'failover', A)
      const watcher = await connect(alice, { base: D.url })
      const heard = collect<PresenceChangePayload>(watcher, 'presence:change')
      const carolOnline = nextEvent<PresenceChangePayload>(watcher, 'presence:change', p => p.userId === carol.user.id && p.status === 'online')
      await connect(carol, { base: C.url })
      await connect(bob, { base: C.url })
      await connect(bob, { base: D.url })
      await carolOnline
      expect((await presenceOn(A, alice, [bob.user.id, carol.user.id])).map(p => p.status)).toEqual(['online', 'online'])

      const carolOffline = nextEvent<PresenceChangePayload>(watcher, 'presence:change', p => p.userId === carol.user.id && p.status === 'offline', bound + 5000)
      const killedAt = Date.now()
      await C.kill('SIGKILL')
      const change = await carolOffline
      const tookMs = Date.now() - killedAt
      console.log(`[services] presence: offline ${tookMs} ms after SIGKILL (TTL 3 s, sweep 1 s; bound ${bound} ms)`)
      expect(tookMs).toBeLessThanOrEqual(bound + 1000)
      // Last seen at the dead instance's last heartbeat: before the kill, within one renewal of it.
      const lastSeen = Date.parse(change.lastSeenAt)
      expect(lastSeen).toBeLessThanOrEqual(killedAt + 100)
      expect(lastSeen).toBeGreaterThan(killedAt - 3000)

      // Stored, and read back alike on every survivor.
      for (const base of [A, D.url]) {
        expect(await presenceOn(base, alice, [carol.user.id])).toEqual([{ userId: carol.user.id, status: 'offline', lastSeenAt: change.lastSeenAt }])
      }
      // Bob's socket on D keeps him online: no offline for him, whichever instance swept.
      await sleep(1500)
      expect(heard.items.filter(p => p.userId === bob.user.id && p.status === 'offline')).toEqual([])
      expect((await presenceOn(D.url, alice, [bob.user.id]))[0]?.status).toBe('online')
      // Carol was told once, however many survivors swept.
      expect(heard.items.filter(p => p.userId === carol.user.id && p.status === 'offline')).toHaveLength(1)
    } finally {
      await Promise.all(servers.map(s => s.alive() ? s.stop() : Promise.resolve()))
    }
  })
})
