import { Cluster, Redis, type ClusterOptions } from 'ioredis'
import { RateLimiterRedis } from 'rate-limiter-flexible'
import { getConfig } from '../utils/config'
import { lazy } from './lazy'
import { logger } from './logger'
import { parseRedisTarget, type ClusterRedisTarget, type RedisTarget } from './redis-target'

/** A connection to one Redis server or to a Redis Cluster: the commands this app uses are the same on both. */
export type RedisClient = Redis | Cluster

/**
 * Logs a Redis outage once when it starts and once when it ends. Without an 'error' listener
 * ioredis prints every failed reconnect attempt; while Redis is down, delivery stays local to each
 * instance (clients fill the gap with sync) and rate limits fall back to per-instance memory.
 */
function reportOutages<T extends RedisClient>(client: T, name: string): T {
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

/** Where REDIS_URL points (REDIS_CLUSTER=true, or several nodes in the URL, make it a cluster); null without Redis. */
export const getRedisTarget = lazy('redis-target', (): RedisTarget | null => {
  const url = getConfig().redisUrl
  return url ? parseRedisTarget(url, process.env.REDIS_CLUSTER) : null
})

/** Whether REDIS_URL names a Redis Cluster (keys of one operation must then share a hash slot). */
export const isRedisCluster = () => getRedisTarget()?.kind === 'cluster'

/** ioredis takes the options of each node's connection apart from the cluster's own. */
function cluster(target: ClusterRedisTarget, nodeOptions: NonNullable<ClusterOptions['redisOptions']>, options: ClusterOptions = {}): Cluster {
  return new Cluster(target.nodes, {
    ...options,
    redisOptions: {
      ...nodeOptions,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {})
    }
  })
}

/** The shared Redis client when REDIS_URL is set, otherwise null (in-memory mode). */
export const getRedis = lazy('redis', (): RedisClient | null => {
  const target = getRedisTarget()
  if (!target) return null
  // Auto-pipelining: the commands of one event-loop turn (every send's rate limit, presence, client
  // state) leave in one write instead of one each (on a cluster, one write per node).
  const client = target.kind === 'cluster'
    ? cluster(target, { maxRetriesPerRequest: 3, commandTimeout: REDIS_COMMAND_TIMEOUT_MS }, { enableOfflineQueue: true, enableAutoPipelining: true })
    : new Redis(target.url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, enableAutoPipelining: true })
  defineLimiterCommand(client)
  return reportOutages(client, 'commands')
})

/**
 * Each Redis-backed rate limit runs its Lua command (`rlflxIncr`), which rate-limiter-flexible
 * defines on the client when a limiter is made. ioredis copies a client's commands into an
 * auto-pipeline when the pipeline opens, so a limiter made (lazily, on its first use) while a
 * pipeline was open ran its first command in a pipeline without it: that command failed, the limit
 * answered from memory, and the pipeline's replies no longer matched its callbacks (an uncaught
 * TypeError). CI saw one sync request over a shared budget of 300 get through that way. A limiter
 * made here, before the client has ever sent anything, defines the command on every pipeline to come.
 */
function defineLimiterCommand(client: RedisClient): void {
  void new RateLimiterRedis({ storeClient: client, points: 1, duration: 1 })
}

/**
 * A second connection for subscribers and blocking reads (a subscribed ioredis connection cannot
 * issue other commands). `shardedPubSub`: on a cluster, SSUBSCRIBE each sharded channel on the node
 * that owns it (ioredis keeps one subscriber per master for that, so only ask where it is used).
 */
export function createRedisConnection({ shardedPubSub = false }: { shardedPubSub?: boolean } = {}): RedisClient {
  const target = getRedisTarget()
  if (!target) throw new Error('REDIS_URL is not set')
  const client = target.kind === 'cluster'
    ? cluster(target, { maxRetriesPerRequest: null }, shardedPubSub ? { shardedSubscribers: true } : {})
    : new Redis(target.url, { maxRetriesPerRequest: null })
  return reportOutages(client, 'dedicated')
}
