import { afterEach, describe, expect, it, vi } from 'vitest'
import type { PresenceChangePayload } from '#shared/events'
import type { PresenceEntry } from '#shared/presence-schemas'
import type { User } from '#shared/types'
import {
  ack, api, closeAllSockets, collect, connect, must, nextEvent, setupConversation, signUp, sleep, type Session
} from '../support/helpers'

afterEach(() => closeAllSockets())

const presenceOf = async (viewer: Session, ids: string[]) =>
  must(await api<{ presence: PresenceEntry[] }>(viewer.base, 'GET', `/api/presence?userIds=${ids.join(',')}`, { token: viewer.token }), 'presence').presence

const statusOf = async (viewer: Session, id: string) => (await presenceOf(viewer, [id])).find(p => p.userId === id)?.status

describe('presence', () => {
  it('stays online until the last of two sockets closes; offline carries lastSeenAt, stored and read back', async () => {
    const [alice, bob] = await Promise.all([signUp('Alice'), signUp('Bob')])
    await setupConversation(alice, [bob])
    const a = await connect(alice)
    const heard = collect<PresenceChangePayload>(a, 'presence:change')
    const online = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'online')
    const [b1, b2] = [await connect(bob), await connect(bob)]
    await online
    expect(await statusOf(alice, bob.user.id)).toBe('online')

    b1.close()
    await sleep(500)
    expect(heard.items.filter(p => p.userId === bob.user.id).map(p => p.status)).toEqual(['online'])
    expect(await statusOf(alice, bob.user.id)).toBe('online')

    const offline = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'offline')
    const closedAt = Date.now()
    b2.close()
    const change = await offline
    expect(Date.now() - closedAt).toBeLessThan(2000)
    expect(Math.abs(Date.parse(change.lastSeenAt) - closedAt)).toBeLessThan(2000)
    const [entry] = await presenceOf(alice, [bob.user.id])
    expect(entry).toEqual({ userId: bob.user.id, status: 'offline', lastSeenAt: change.lastSeenAt })
  })

  it('GET /api/presence: the caller and people sharing a project only; strangers are left out, bad input is VALIDATION', async () => {
    const [alice, bob, mallory, never] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Mallory'), signUp('Never')])
    await setupConversation(alice, [bob, never])
    await connect(mallory)
    await connect(bob)
    // A socket's heartbeat is written just after its connect (a DND lookup, then Redis): online shows once it lands.
    await vi.waitFor(async () => {
      expect(await statusOf(alice, bob.user.id)).toBe('online')
      expect(await statusOf(mallory, mallory.user.id)).toBe('online')
    }, { timeout: 3000, interval: 50 })
    const entries = await presenceOf(alice, [alice.user.id, bob.user.id, mallory.user.id, never.user.id])
    expect(entries.map(e => e.userId)).toEqual([alice.user.id, bob.user.id, never.user.id])
    expect(entries.find(e => e.userId === bob.user.id)?.status).toBe('online')
    // Never connected: offline and never seen.
    expect(entries.find(e => e.userId === never.user.id)).toEqual({ userId: never.user.id, status: 'offline', lastSeenAt: null })
    // Mallory shares nothing with Alice (and the other way round): not even her being online shows.
    expect(await presenceOf(mallory, [alice.user.id, bob.user.id])).toEqual([])
    // `userIds` repeated works like a comma list.
    const repeated = must(await api<{ presence: PresenceEntry[] }>(alice.base, 'GET', `/api/presence?userIds=${bob.user.id}&userIds=${mallory.user.id}`, { token: alice.token }), 'repeated')
    expect(repeated.presence.map(e => e.userId)).toEqual([bob.user.id])

    const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    for (const query of ['', '?userIds=', '?userIds=not-a-uuid', `?userIds=${bob.user.id},nope`, `?userIds=${ids(201).join(',')}`]) {
      const res = await api<{ error: { code: string } }>(alice.base, 'GET', `/api/presence${query}`, { token: alice.token })
      expect(res.status, query.slice(0, 40)).toBe(400)
      expect(res.body.error.code).toBe('VALIDATION')
    }
    expect((await api(alice.base, 'GET', `/api/presence?userIds=${ids(200).join(',')}`, { token: alice.token })).status).toBe(200)
    expect((await api(alice.base, 'GET', `/api/presence?userIds=${bob.user.id}`)).status).toBe(401)
  })

  it('automatic away marks one client idle: away once every client is, back on activity; never over a chosen status', async () => {
    const [alice, bob] = await Promise.all([signUp('Alice'), signUp('Bob')])
    await setupConversation(alice, [bob])
    const a = await connect(alice)
    const [b1, b2] = [await connect(bob), await connect(bob)]
    // A socket's heartbeat is written just after its connect (a DND lookup, then Redis): let both land,
    // or "every client idle" would count only the first.
    await sleep(300)
    const heard = collect<PresenceChangePayload>(a, 'presence:change')
    const bobHeard = () => heard.items.filter(p => p.userId === bob.user.id).map(p => p.status)

    // One tab idle, the other in use: still online, nothing announced.
    expect(await ack(b1, 'presence:update', { status: 'away', auto: true })).toEqual({ ok: true })
    await sleep(200)
    expect(bobHeard()).toEqual([])
    expect(await statusOf(alice, bob.user.id)).toBe('online')
    // Both idle: away; one back in use: online.
    const away = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'away')
    await ack(b2, 'presence:update', { status: 'away', auto: true })
    await away
    expect(await statusOf(alice, bob.user.id)).toBe('away')
    const back = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'online')
    await ack(b1, 'presence:update', { status: 'online', auto: true })
    await back
    // The idle tab closing leaves the tab in use: online, no change.
    b2.close()
    await sleep(300)
    expect(bobHeard()).toEqual(['away', 'online'])

    // Do not disturb chosen by hand: an automatic away or back changes nothing.
    const dnd = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'dnd')
    await ack(b1, 'presence:update', { status: 'dnd' })
    await dnd
    expect(await ack(b1, 'presence:update', { status: 'away', auto: true })).toEqual({ ok: true })
    expect(await ack(b1, 'presence:update', { status: 'online', auto: true })).toEqual({ ok: true })
    await sleep(200)
    expect(bobHeard()).toEqual(['away', 'online', 'dnd'])
    expect(await statusOf(alice, bob.user.id)).toBe('dnd')

    // Away chosen by hand: activity does not bring "online" back.
    const chosenAway = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'away')
    await ack(b1, 'presence:update', { status: 'away' })
    await chosenAway
    await ack(b1, 'presence:update', { status: 'online', auto: true })
    await sleep(200)
    expect(await statusOf(alice, bob.user.id)).toBe('away')

    const refused = await ack<{ ok: boolean, error?: { code: string } }>(b1, 'presence:update', { status: 'dnd', auto: true })
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('a timed Do Not Disturb outlives an automatic away and back (timer kept, still "dnd")', async () => {
    const [alice, bob] = await Promise.all([signUp('Alice'), signUp('Bob')])
    await setupConversation(alice, [bob])
    const a = await connect(alice)
    const b = await connect(bob)
    const dnd = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'dnd')
    const until = new Date(Date.now() + 10 * 60_000).toISOString()
    must(await api(bob.base, 'PATCH', '/api/me', { token: bob.token, body: { dndUntil: until } }), 'dnd on')
    await dnd
    const heard = collect<PresenceChangePayload>(a, 'presence:change')
    await ack(b, 'presence:update', { status: 'away', auto: true })
    await ack(b, 'presence:update', { status: 'online', auto: true })
    await sleep(200)
    expect(heard.items).toEqual([])
    expect(await statusOf(alice, bob.user.id)).toBe('dnd')
    const me = must(await api<{ user: User }>(bob.base, 'GET', '/api/me', { token: bob.token }), 'me')
    expect(me.user.dndUntil).toBe(until)
  })
})
