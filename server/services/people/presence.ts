import { chosenPresence, type ChosenPresence } from '#shared/presence'
import type { PresenceChangePayload } from '#shared/events'
import type { PresenceStatus } from '#shared/types'
import type { PresenceUpdateInput } from '#shared/schemas'
import { consumePresenceBudget } from '../../infra/rate-limit'
import { getRedis } from '../../infra/redis'
import { getActionBudgets } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'
import { recordLastSeen } from './last-seen'
import { getPresenceTiming } from './presence-timing'
import { liveSockets, type LiveCount, type SocketBeat } from './presence-sockets'

/**
 * What others see of a user, from three things: whether any socket of theirs is live (heartbeats,
 * presence-sockets.ts), the status they chose (online, away, dnd: kept until they choose another), and
 * the end of a timed Do Not Disturb (a mirror of profiles.dnd_until, see dnd.ts). A client's automatic
 * away (idle or hidden) only marks its own socket idle: it never overrides a chosen status, and the
 * user shows "away" once every live socket of theirs is idle.
 * Chosen status and the DnD mirror live in Redis when configured (shared by instances), else in memory.
 */
const local = new Map<string, { status: ChosenPresence, dndUntil?: number }>()

/** This instance's open sockets (their heartbeats are renewed from here) and whether each is idle. */
const ownSockets = new Map<string, { userId: string, idle: boolean }>()

// One hash each, so reading many users is one HMGET of one key (one slot, on a Redis Cluster too).
const STATUS_KEY = 'presence:status'
const DND_KEY = 'presence:dnd-until'

/** The one rule for what others see. */
function shown(chosen: ChosenPresence, dndUntilMs: number | null | undefined, count: LiveCount, now = Date.now()): PresenceStatus {
  if (count.live === 0) return 'offline'
  if (dndUntilMs && dndUntilMs > now) return 'dnd'
  if (chosen !== 'online') return chosen
  return count.active === 0 ? 'away' : 'online'
}

async function chosenOf(userIds: readonly string[]): Promise<ChosenPresence[]> {
  const redis = getRedis()
  const stored = redis ? await redis.hmget(STATUS_KEY, ...userIds) : userIds.map(id => local.get(id)?.status)
  return stored.map(chosenPresence)
}

async function dndUntilOf(userIds: readonly string[]): Promise<(number | null)[]> {
  const redis = getRedis()
  const stored = redis ? await redis.hmget(DND_KEY, ...userIds) : userIds.map(id => local.get(id)?.dndUntil)
  return stored.map(value => value ? Number(value) : null)
}

async function storeChosen(userId: string, status: ChosenPresence) {
  const redis = getRedis()
  if (redis) await redis.hset(STATUS_KEY, userId, status)
  else local.set(userId, { ...local.get(userId), status })
}

interface UserState { chosen: ChosenPresence, dndUntil: number | null, count: LiveCount }

async function stateOf(userId: string): Promise<UserState> {
  const [[chosen], [dndUntil], [count]] = await Promise.all([chosenOf([userId]), dndUntilOf([userId]), liveSockets().counts([userId], Date.now())])
  return { chosen: chosen!, dndUntil: dndUntil!, count: count! }
}

/** As shown while connected: a user with no live socket is treated as having one active socket. */
const connectedView = ({ chosen, dndUntil, count }: UserState) =>
  shown(chosen, dndUntil, count.live > 0 ? count : { live: 1, active: 1 }) as ChosenPresence

/** The status a user shows while connected: chosen, "dnd" during a timed Do Not Disturb, "away" when every client is idle. */
export async function shownStatus(userId: string): Promise<ChosenPresence> {
  return connectedView(await stateOf(userId))
}

/** Mirrors the user's timed Do Not Disturb (null: none) where presence is read. */
export async function mirrorDndUntil(userId: string, until: Date | null): Promise<void> {
  const redis = getRedis()
  const ms = until && until.getTime() > Date.now() ? until.getTime() : null
  if (redis) {
    if (ms) await redis.hset(DND_KEY, userId, String(ms))
    else await redis.hdel(DND_KEY, userId)
    return
  }
  const entry = local.get(userId)
  if (entry) entry.dndUntil = ms ?? undefined
  else if (ms) local.set(userId, { status: 'online', dndUntil: ms })
}

/** Turning Do Not Disturb off (its timer cleared) also ends a chosen "dnd": returns whether it was chosen. */
export async function dropChosenDnd(userId: string): Promise<boolean> {
  if ((await chosenOf([userId]))[0] !== 'dnd') return false
  await storeChosen(userId, 'online')
  return true
}

/** Whether the user has any live socket (on any instance). */
export async function isConnected(userId: string): Promise<boolean> {
  return (await liveSockets().counts([userId], Date.now()))[0]!.live > 0
}

/** Those of the users who chose "dnd" as their status (whether or not connected). */
export async function chosenDnd(userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set()
  const statuses = await chosenOf(userIds)
  return new Set(userIds.filter((_, i) => statuses[i] === 'dnd'))
}

/** This instance's open sockets, for renewing their heartbeats. */
export function ownSocketBeats(): SocketBeat[] {
  return [...ownSockets].map(([socketId, { userId }]) => ({ userId, socketId }))
}

/** Whether the socket is open on this instance (its heartbeat is renewed here, never swept). */
export const isOwnSocket = (socketId: string) => ownSockets.has(socketId)

/** A socket opened: returns the change to announce when the user had no live socket before. */
export async function socketOpened(userId: string, socketId: string): Promise<PresenceChangePayload | null> {
  ownSockets.set(socketId, { userId, idle: false })
  const now = Date.now()
  const first = await liveSockets().beat([{ userId, socketId }], getPresenceTiming().ttlMs, now)
  return first.length ? { userId, status: await shownStatus(userId), lastSeenAt: new Date(now).toISOString() } : null
}

/** A socket closed: returns "offline" with the stored last seen when it was the user's last live socket. */
export async function socketClosed(userId: string, socketId: string): Promise<PresenceChangePayload | null> {
  ownSockets.delete(socketId)
  if (!(await liveSockets().drop({ userId, socketId }, getPresenceTiming().ttlMs, Date.now()))) return null
  return { userId, status: 'offline', lastSeenAt: (await recordLastSeen(userId, new Date())).toISOString() }
}

/**
 * The user picks online, away or do-not-disturb (`auto`: the client saw its tab idle or hidden, or back
 * in use: only this socket's idleness changes, never the chosen status). Returns the change to announce
 * to every shared conversation, or null when what others see stays as it was (neither announced nor
 * counted); a real change takes one point of the user's budget, before anything is written.
 */
export async function setPresence(actor: Actor, { status, auto }: PresenceUpdateInput, socketId: string): Promise<PresenceChangePayload | null> {
  const state = await stateOf(actor.id)
  const own = ownSockets.get(socketId)
  const wasIdle = own?.idle ?? false
  // Choosing "online" by hand says the member is here too.
  const idle = auto ? status === 'away' : status === 'online' ? false : wasIdle
  const active = state.count.active + (wasIdle === idle ? 0 : idle ? -1 : 1)
  // Choosing anything but "dnd" by hand ends a timed Do Not Disturb as well (the adapter calls dnd.ts's endTimedDnd).
  const dndUntil = !auto && status !== 'dnd' ? null : state.dndUntil
  const next: UserState = { chosen: auto ? state.chosen : status, dndUntil, count: { live: state.count.live, active: Math.max(0, active) } }
  // Compared with what others see: picking "online" during a timed Do Not Disturb is a change (dnd.ts ends the timer).
  const before = connectedView(state)
  const after = connectedView(next)
  if (before !== after) await consumePresenceBudget(actor.id, getActionBudgets().presenceChanges)
  if (!auto && state.chosen !== status) await storeChosen(actor.id, status)
  if (own && wasIdle !== idle) {
    own.idle = idle
    await liveSockets().setIdle({ userId: actor.id, socketId }, idle)
  }
  return before === after ? null : { userId: actor.id, status: after, lastSeenAt: new Date().toISOString() }
}

/** Current status of the given users (offline when no socket of theirs is live). */
export async function getPresence(userIds: readonly string[]): Promise<Record<string, PresenceStatus>> {
  if (userIds.length === 0) return {}
  const now = Date.now()
  const [chosen, dnd, counts] = await Promise.all([chosenOf(userIds), dndUntilOf(userIds), liveSockets().counts(userIds, now)])
  return Object.fromEntries(userIds.map((id, i) => [id, shown(chosen[i]!, dnd[i], counts[i]!, now)]))
}
