import { chosenPresence, type ChosenPresence } from '#shared/presence'
import type { PresenceChangePayload } from '#shared/events'
import type { PresenceStatus } from '#shared/types'
import type { PresenceUpdateInput } from '#shared/schemas'
import { consumePresenceBudget } from '../../infra/rate-limit'
import { getRedis } from '../../infra/redis'
import { getActionBudgets } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'

/** Open connections and chosen status per user: in Redis when configured (shared by instances), else in memory. */
const local = new Map<string, { connections: number, status: ChosenPresence }>()

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

/** A socket opened: returns the change to announce when this is the user's first connection. */
export async function socketOpened(userId: string): Promise<PresenceChangePayload | null> {
  const count = await changeConnections(userId, 1)
  return count === 1 ? { userId, status: await chosenStatus(userId), lastSeenAt: new Date().toISOString() } : null
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
  if (await chosenStatus(actor.id) === status) return null
  await consumePresenceBudget(actor.id, getActionBudgets().presenceChanges)
  const redis = getRedis()
  if (redis) await redis.hset('presence:status', actor.id, status)
  else local.set(actor.id, { connections: local.get(actor.id)?.connections ?? 1, status })
  return { userId: actor.id, status, lastSeenAt: new Date().toISOString() }
}

/** Current status of the given users (offline when no connection is open). */
export async function getPresence(userIds: string[]): Promise<Record<string, PresenceStatus>> {
  const result: Record<string, PresenceStatus> = {}
  const redis = getRedis()
  if (redis && userIds.length) {
    const [counts, statuses] = await Promise.all([redis.hmget('presence:connections', ...userIds), redis.hmget('presence:status', ...userIds)])
    userIds.forEach((id, i) => {
      const s = statuses[i]
      result[id] = Number(counts[i] ?? 0) > 0 ? chosenPresence(s) : 'offline'
    })
    return result
  }
  for (const id of userIds) {
    const entry = local.get(id)
    result[id] = entry && entry.connections > 0 ? entry.status : 'offline'
  }
  return result
}
