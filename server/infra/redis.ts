import { Redis } from 'ioredis'
import { getConfig } from '../utils/config'

const state = globalThis as unknown as { __chatRedis?: Redis | null }

/** The shared Redis client when REDIS_URL is set, otherwise null (in-memory mode). */
export function getRedis(): Redis | null {
  if (state.__chatRedis !== undefined) return state.__chatRedis
  const url = getConfig().redisUrl
  state.__chatRedis = url ? new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true }) : null
  return state.__chatRedis
}

/** A second connection for subscribers (a subscribed ioredis connection cannot issue other commands). */
export function createRedisConnection(): Redis {
  const url = getConfig().redisUrl
  if (!url) throw new Error('REDIS_URL is not set')
  return new Redis(url, { maxRetriesPerRequest: null })
}

export async function closeRedis() {
  const redis = state.__chatRedis
  state.__chatRedis = undefined
  if (redis) await redis.quit().catch(() => redis.disconnect())
}
