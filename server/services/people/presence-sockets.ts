import type { Result } from 'ioredis'
import { getRedis, isRedisCluster, type RedisClient } from '../../infra/redis'
import { lazy } from '../../infra/lazy'

// Every open socket has a heartbeat that runs out unless its instance renews it: a user is connected
// while at least one heartbeat is live. An instance killed with open sockets stops renewing theirs, and
// the survivors' sweep finds them run out (presence-sweep.ts). Kept in Redis when configured (shared by
// every instance), in memory otherwise.
//
// Redis keys: `presence:sockets` (one zset of `userId:ttlMs:socketId` scored by expiry, for the sweep; the
// TTL of the instance that wrote it dates the last heartbeat whoever sweeps it),
// `presence:live:<userId>` (the user's socket ids scored by expiry) and `presence:idle:<userId>` (those
// of them the client said were idle: auto-away).
// On a Redis Cluster each script below touches the sweep's zset and a user's keys at once, and one
// pipeline spans many users, so every key of such a call must hash to one slot: there the keys carry
// the `{heartbeats}` hash tag (`presence:{heartbeats}:live:<userId>`, …). That keeps the heartbeats on
// one node (a few small writes per socket per refresh) and each script atomic, so a user's "offline"
// is still announced once however many instances sweep. One server keeps the untagged names, which
// an upgrade finds as they are.

/** One socket's heartbeat. */
export interface SocketBeat { userId: string, socketId: string }
/** A heartbeat that ran out at `expiresAt`, renewed last at `lastBeatAt`. */
export interface ExpiredBeat extends SocketBeat { expiresAt: number, lastBeatAt: number }
/** A user's live sockets, and how many of them are not idle. */
export interface LiveCount { live: number, active: number }

export interface LiveSockets {
  /** Adds or renews heartbeats until `expiresAt`; returns the users who had no live socket before. */
  beat: (beats: readonly SocketBeat[], ttlMs: number, now: number) => Promise<string[]>
  /** Removes a heartbeat (of an instance with that TTL); true when it was the user's last one (said once, however many instances sweep). */
  drop: (beat: SocketBeat, ttlMs: number, now: number) => Promise<boolean>
  /** Heartbeats that ran out before `now`, oldest first. */
  expired: (now: number, limit: number) => Promise<ExpiredBeat[]>
  /** Marks a socket idle (auto-away) or active again. */
  setIdle: (beat: SocketBeat, idle: boolean) => Promise<void>
  /** Live and active (not idle) sockets of each user, in order. */
  counts: (userIds: readonly string[], now: number) => Promise<LiveCount[]>
}

/** The key names of the heartbeats, hash-tagged into one slot on a cluster. */
export function heartbeatKeys(cluster: boolean) {
  const base = cluster ? 'presence:{heartbeats}' : 'presence'
  return {
    global: cluster ? base : `${base}:sockets`,
    live: (userId: string) => `${base}:live:${userId}`,
    idle: (userId: string) => `${base}:idle:${userId}`
  }
}

const member = ({ userId, socketId }: SocketBeat, ttlMs: number) => `${userId}:${Math.round(ttlMs)}:${socketId}`

// Each script is atomic, so two instances sweeping the same heartbeat announce "offline" once.
const SCRIPTS = {
  // KEYS: global, then each heartbeat's live key; ARGV: expiresAt, now, then each heartbeat's member
  // and socketId → per heartbeat, 1 when its user had no live socket before it (a user's second
  // socket in the same call sees the first). One call renews a whole batch: a command per socket
  // cost Node a command object, a promise and an encoded buffer each, all alive until the batch's
  // last reply, and Redis a script run each.
  presenceBeat: {
    numberOfKeys: 'dynamic',
    lua: `local firsts = {}
for i = 2, #KEYS do
  local before = redis.call('ZCOUNT', KEYS[i], ARGV[2], '+inf')
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2 * i - 1])
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2 * i])
  firsts[i - 1] = before == 0 and 1 or 0
end
return firsts`
  },
  // KEYS: global, live, idle; ARGV: member, socketId, now → 1 when it was the user's last live socket.
  presenceDrop: {
    numberOfKeys: 3,
    lua: `redis.call('ZREM', KEYS[1], ARGV[1])
if not redis.call('ZSCORE', KEYS[2], ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('ZCOUNT', KEYS[2], ARGV[3], '+inf') > 0 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
return 1`
  },
  // KEYS: live, idle; ARGV: now → { live, active }.
  presenceCount: {
    numberOfKeys: 2,
    lua: `local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local active = 0
for _, id in ipairs(ids) do
  if redis.call('SISMEMBER', KEYS[2], id) == 0 then active = active + 1 end
end
return { #ids, active }`
  }
} as const

declare module 'ioredis' {
  interface RedisCommander<Context> {
    presenceBeat(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Result<number[], Context>
    presenceDrop(global: string, live: string, idle: string, member: string, socketId: string, now: number): Result<number, Context>
    presenceCount(live: string, idle: string, now: number): Result<[number, number], Context>
  }
}

const scripted = new WeakSet<RedisClient>()
function withScripts(redis: RedisClient): RedisClient {
  if (scripted.has(redis)) return redis
  for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, numberOfKeys === 'dynamic' ? { lua } : { numberOfKeys, lua })
  }
  scripted.add(redis)
  return redis
}

/** The pipeline's replies, throwing the first failed command's error. */
async function replies<T>(pipeline: { exec: () => Promise<[Error | null, unknown][] | null> }): Promise<T[]> {
  const results = await pipeline.exec() ?? []
  return results.map(([err, value]) => {
    if (err) throw err
    return value as T
  })
}

/** The heartbeats in Redis (exported for the tests that run them on a real server). */
export function redisSockets(client: RedisClient, cluster: boolean): LiveSockets {
  const redis = withScripts(client)
  const { global: GLOBAL, live: liveKey, idle: idleKey } = heartbeatKeys(cluster)
  return {
    async beat(beats, ttlMs, now) {
      if (beats.length === 0) return []
      const keys = [GLOBAL, ...beats.map(b => liveKey(b.userId))]
      const args: (string | number)[] = [now + ttlMs, now]
      for (const b of beats) args.push(member(b, ttlMs), b.socketId)
      const first = await redis.presenceBeat(keys.length, ...keys, ...args)
      return [...new Set(beats.filter((_, i) => first[i] === 1).map(b => b.userId))]
    },
    async drop(beat, ttlMs, now) {
      return await redis.presenceDrop(GLOBAL, liveKey(beat.userId), idleKey(beat.userId), member(beat, ttlMs), beat.socketId, now) === 1
    },
    async expired(now, limit) {
      const flat = await redis.zrangebyscore(GLOBAL, '-inf', `(${now}`, 'WITHSCORES', 'LIMIT', 0, limit)
      const out: ExpiredBeat[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const parsed = parseMember(flat[i]!)
        const expiresAt = Number(flat[i + 1])
        if (parsed) out.push({ userId: parsed.userId, socketId: parsed.socketId, expiresAt, lastBeatAt: expiresAt - parsed.ttlMs })
        else await redis.zrem(GLOBAL, flat[i]!) // not one of ours: never let it block the sweep
      }
      return out
    },
    async setIdle(beat, idle) {
      if (idle) await redis.sadd(idleKey(beat.userId), beat.socketId)
      else await redis.srem(idleKey(beat.userId), beat.socketId)
    },
    async counts(userIds, now) {
      if (userIds.length === 0) return []
      const pipeline = redis.pipeline()
      for (const id of userIds) pipeline.presenceCount(liveKey(id), idleKey(id), now)
      return (await replies<[number, number]>(pipeline)).map(([live, active]) => ({ live, active }))
    }
  }
}

/** `userId:ttlMs:socketId`; a user id is a UUID (no colon), a socket id may hold anything after it. */
function parseMember(value: string): (SocketBeat & { ttlMs: number }) | null {
  const match = /^([^:]+):(\d+):(.+)$/.exec(value)
  return match ? { userId: match[1]!, ttlMs: Number(match[2]), socketId: match[3]! } : null
}

function memorySockets(): LiveSockets {
  const users = new Map<string, Map<string, { expiresAt: number, ttlMs: number, idle: boolean }>>()
  const liveOf = (userId: string, now: number) => [...users.get(userId)?.values() ?? []].filter(s => s.expiresAt >= now)
  return {
    async beat(beats, ttlMs, now) {
      const first = new Set<string>()
      for (const { userId, socketId } of beats) {
        if (liveOf(userId, now).length === 0) first.add(userId)
        const sockets = users.get(userId) ?? new Map()
        sockets.set(socketId, { expiresAt: now + ttlMs, ttlMs, idle: sockets.get(socketId)?.idle ?? false })
        users.set(userId, sockets)
      }
      return [...first]
    },
    async drop({ userId, socketId }, _ttlMs, now) {
      const sockets = users.get(userId)
      if (!sockets?.delete(socketId)) return false
      if (liveOf(userId, now).length > 0) return false
      users.delete(userId)
      return true
    },
    async expired(now, limit) {
      const out: ExpiredBeat[] = []
      for (const [userId, sockets] of users) {
        for (const [socketId, { expiresAt, ttlMs }] of sockets) {
          if (expiresAt < now) out.push({ userId, socketId, expiresAt, lastBeatAt: expiresAt - ttlMs })
        }
      }
      return out.sort((a, b) => a.expiresAt - b.expiresAt).slice(0, limit)
    },
    async setIdle({ userId, socketId }, idle) {
      const socket = users.get(userId)?.get(socketId)
      if (socket) socket.idle = idle
    },
    async counts(userIds, now) {
      return userIds.map((id) => {
        const live = liveOf(id, now)
        return { live: live.length, active: live.filter(s => !s.idle).length }
      })
    }
  }
}

const memory = lazy('presence-sockets-memory', memorySockets)

/** The heartbeats: Redis when configured, this process's memory otherwise. */
export function liveSockets(): LiveSockets {
  const redis = getRedis()
  return redis ? redisSockets(redis, isRedisCluster()) : memory()
}
