import { Redis } from 'ioredis'
import { getConfig } from '../utils/config'
import { lazy } from './lazy'
import { logger } from './logger'

/**
 * Logs a Redis outage once when it starts and once when it ends. Without an 'error' listener
 * ioredis prints every failed reconnect attempt; while Redis is down, delivery stays local to each
 * instance (clients fill the gap with sync) and rate limits fall back to per-instance memory.
 */
function reportOutages(client: Redis, name: string): Redis {
  let down = false
  client.on('error', (err: Error) => {
    if (down) return
    down = true
    logger.warn({ err, connection: name }, 'redis unreachable: local delivery only, in-memory rate limits until it is back')
  })
  client.on('ready', () => {
    if (!down) return
    down = false
    logger.info({ connection: name }, 'redis reachable again')
  })
  return client
}

/**
 * A command of the shared client unanswered this long fails instead of waiting. On a silent
 * partition (packets dropped, no reset) the connection still looks ready, so without it every
 * command waits for TCP's retransmissions, and message:send with them (its rate limit): an
 * instance cut from Redis for 10 s stopped acknowledging sends for its users for up to 80 s
 * (npm run load:chaos). Failed, the rate limit answers from its in-memory insurance at once.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2000

/** The shared Redis client when REDIS_URL is set, otherwise null (in-memory mode). */
export const getRedis = lazy('redis', (): Redis | null => {
  const url = getConfig().redisUrl
  // Auto-pipelining: the commands of one event-loop turn (every send's rate limit, presence, client
  // state) leave in one write instead of one each.
  return url ? reportOutages(new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, enableAutoPipelining: true }), 'commands') : null
})

/** A second connection for subscribers (a subscribed ioredis connection cannot issue other commands). */
export function createRedisConnection(): Redis {
  const url = getConfig().redisUrl
  if (!url) throw new Error('REDIS_URL is not set')
  return reportOutages(new Redis(url, { maxRetriesPerRequest: null }), 'dedicated')
}
