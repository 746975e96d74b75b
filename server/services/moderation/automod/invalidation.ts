import { createRedisConnection, getRedis, type RedisClient } from '../../../infra/redis'
import { logger } from '../../../infra/logger'
import { invalidateRuleCache } from './cache'

/**
 * Rule changes reach every instance over Redis pub/sub rather than Socket.IO's serverSideEmit:
 * the engine is a service with no tie to the socket layer (it runs for REST sends and scheduled
 * jobs too, and in processes without a Socket.IO server), and a plain channel needs no adapter.
 * Without Redis there is one instance, and invalidating in-process is all it takes. On a Redis
 * Cluster a plain PUBLISH reaches the subscribers of every node: rule changes are rare, so the
 * copy to each node costs nothing worth sharding.
 */
const CHANNEL = 'automod:rules:changed'

let subscriber: RedisClient | null = null

/** Every instance subscribes at start-up; a reconnect drops the cache too, since a notice may have been missed meanwhile. */
export async function listenForRuleChanges(): Promise<void> {
  if (subscriber || !getRedis()) return
  const connection = createRedisConnection()
  subscriber = connection
  connection.on('message', (channel: string) => {
    if (channel === CHANNEL) invalidateRuleCache()
  })
  connection.on('ready', () => invalidateRuleCache())
  connection.on('error', (err: unknown) => logger.warn({ err }, 'automod rule channel error'))
  await connection.subscribe(CHANNEL)
}

export async function stopListening(): Promise<void> {
  const connection = subscriber
  subscriber = null
  if (connection) await connection.quit().catch(() => connection.disconnect())
}

/** Call after the change is committed: this instance drops its copy at once, the others on the notice. */
export async function announceRuleChange(): Promise<void> {
  invalidateRuleCache()
  const redis = getRedis()
  if (redis) await redis.publish(CHANNEL, String(Date.now())).catch((err: unknown) => logger.warn({ err }, 'could not announce an automod rule change'))
}
