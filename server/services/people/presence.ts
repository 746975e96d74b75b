import { chosenPresence, type ChosenPresence } from '#shared/presence'
import type { PresenceChangePayload } from '#shared/events'
import type { PresenceStatus } from '#shared/types'
import type { PresenceUpdateInput } from '#shared/schemas'
import { consumePresenceBudget } from '../../infra/rate-limit'
import { getRedis } from '../../infra/redis'
import { getActionBudgets } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'

/**
 * Open connections, chosen status and the end of a timed Do Not Disturb (a mirror of
 * profiles.dnd_until, see dnd.ts) per user: in Redis when configured (shared by instances), else in memory.
 */
const local = new Map<string, { connections: number, status: ChosenPresence, dndUntil?: number }>()

const DND_KEY = 'presence:dnd-until'

/** What others see of a connected user: a timed Do Not Disturb in force wins over the chosen status. */
const shown = (status: ChosenPresence, dndUntilMs: number | null | undefined, now = Date.now()): ChosenPresence =>
  dndUntilMs && dndUntilMs > now ? 'dnd' : status

async function changeConnections(userId: string, delta: 1 | -1): Promise<number> {
  const redis = getRedis()
  if (redis) return redis.hincrby('presence:connections', userId, delta)
  const entry = local.get(userId) ?? { connections: 0, status: 'online' as const }
  entry.connections = Math.max(0, entry.connections + delta)
  local.set(userId, entry)
  return entry.connections
}

async function chosenStatus(userId: string): Promise<ChosenPresence> {
  const redis = getRedis()
  const stored = redis ? await redis.hget('presence:status', userId) : local.get(userId)?.status
  return chosenPresence(stored)
}

async function storeChosen(userId: string, status: ChosenPresence) {
  const redis = getRedis()
  if (redis) await redis.hset('presence:status', userId, status)
  else local.set(userId, { ...local.get(userId), connections: local.get(userId)?.connections ?? 0, status })
}

async function dndUntilOf(userId: string): Promise<number | null> {
  const redis = getRedis()
  const stored = redis ? await redis.hget(DND_KEY, userId) : local.get(userId)?.dndUntil
  return stored ? Number(stored) : null
}

/** The status a user shows while connected: chosen, or "dnd" during a timed Do Not Disturb. */
export async function shownStatus(userId: string): Promise<ChosenPresence> {
  const [status, dndUntil] = await Promise.all([chosenStatus(userId), dndUntilOf(userId)])
  return shown(status, dndUntil)
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
  else if (ms) local.set(userId, { connections: 0, status: 'online', dndUntil: ms })
}

/** Turning Do Not Disturb off (its timer cleared) also ends a chosen "dnd": returns whether it was chosen. */
export async function dropChosenDnd(userId: string): Promise<boolean> {
  if (await chosenStatus(userId) !== 'dnd') return false
  await storeChosen(userId, 'online')
  return true
}

/** Whether the user has any connection open (on any instance). */
export async function isConnected(userId: string): Promise<boolean> {
  const redis = getRedis()
  const count = redis ? Number(await redis.hget('presence:connections', userId) ?? 0) : local.get(userId)?.connections ?? 0
  return count > 0
}

/** Those of the users who chose "dnd" as their status (whether or not connected). */
export async function chosenDnd(userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set()
  const redis = getRedis()
  const statuses = redis ? await redis.hmget('presence:status', ...userIds) : userIds.map(id => local.get(id)?.status)
  return new Set(userIds.filter((_, i) => chosenPresence(statuses[i]) === 'dnd'))
}

/** A socket opened: returns the change to announce when this is the user's first connection. */
export async function socketOpened(userId: string): Promise<PresenceChangePayload | null> {
  const count = await changeConnections(userId, 1)
  return count === 1 ? { userId, status: await shownStatus(userId), lastSeenAt: new Date().toISOString() } : null
}

/** A socket closed: returns "offline" when it was the user's last connection. */
export async function socketClosed(userId: string): Promise<PresenceChangePayload | null> {
  const count = await changeConnections(userId, -1)
  if (count > 0) return null
  const redis = getRedis()
  if (redis) await redis.hdel('presence:connections', userId)
  return { userId, status: 'offline', lastSeenAt: new Date().toISOString() }
}

/**
 * The user picks online, away or do-not-disturb. Returns the change to announce to every shared
 * conversation, or null when the status stays as it was (a repeat is neither announced nor counted);
 * a real change takes one point of the user's budget.
 */
export async function setPresence(actor: Actor, { status }: PresenceUpdateInput): Promise<PresenceChangePayload | null> {
  // Compared with what others see: picking "online" during a timed Do Not Disturb is a change (dnd.ts ends the timer).
  if (await shownStatus(actor.id) === status) return null
  await consumePresenceBudget(actor.id, getActionBudgets().presenceChanges)
  const redis = getRedis()
  if (redis) await redis.hset('presence:status', actor.id, status)
  else local.set(actor.id, { ...local.get(actor.id), connections: local.get(actor.id)?.connections ?? 1, status })
  return { userId: actor.id, status, lastSeenAt: new Date().toISOString() }
}

/** Current status of the given users (offline when no connection is open). */
export async function getPresence(userIds: string[]): Promise<Record<string, PresenceStatus>> {
  const result: Record<string, PresenceStatus> = {}
  const redis = getRedis()
  if (redis && userIds.length) {
    const [counts, statuses, dnd] = await Promise.all([
      redis.hmget('presence:connections', ...userIds), redis.hmget('presence:status', ...userIds), redis.hmget(DND_KEY, ...userIds)
    ])
    userIds.forEach((id, i) => {
      result[id] = Number(counts[i] ?? 0) > 0 ? shown(chosenPresence(statuses[i]), Number(dnd[i] ?? 0)) : 'offline'
    })
    return result
  }
  for (const id of userIds) {
    const entry = local.get(id)
    result[id] = entry && entry.connections > 0 ? shown(entry.status, entry.dndUntil) : 'offline'
  }
  return result
}
