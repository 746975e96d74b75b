import { Redis } from 'ioredis'
import { getConfig } from '../utils/config'
import { lazy } from './lazy'

/** The shared Redis client when REDIS_URL is set, otherwise null (in-memory mode). */
export const getRedis = lazy('redis', (): Redis | null => {
  const url = getConfig().redisUrl
  return url ? new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true }) : null
})

/** A second connection for subscribers (a subscribed ioredis connection cannot issue other commands). */
export function createRedisConnection(): Redis {
  const url = getConfig().redisUrl
  if (!url) throw new Error('REDIS_URL is not set')
  return new Redis(url, { maxRetriesPerRequest: null })
}
