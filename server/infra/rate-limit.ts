import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { getConfig } from '../utils/config'
import { AppError } from '../utils/errors'
import { getRedis } from './redis'

let limiter: RateLimiterAbstract | undefined

function getLimiter(): RateLimiterAbstract {
  if (limiter) return limiter
  const points = getConfig().rateLimitPerMinute
  const redis = getRedis()
  // While Redis is down the in-memory insurance limiter answers at once instead of queueing sends behind a reconnect.
  limiter = redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix: 'rl:msg', points, duration: 60, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }) })
    : new RateLimiterMemory({ keyPrefix: 'rl:msg', points, duration: 60 })
  return limiter
}

/** Takes one message from the user's per-minute budget, or fails with RATE_LIMITED. */
export async function consumeMessageBudget(userId: string): Promise<void> {
  try {
    await getLimiter().consume(userId)
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new AppError('RATE_LIMITED', 'too many messages, slow down', { retryAfterMs: error.msBeforeNext })
    }
    throw error
  }
}

const limiters = new Map<string, RateLimiterAbstract>()

/** One named limiter per process: Redis-backed (shared by every instance) when configured, else in memory. */
function sharedLimiter(keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  let found = limiters.get(keyPrefix)
  if (found) return found
  const redis = getRedis()
  found = redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory({ points, duration }) })
    : new RateLimiterMemory({ keyPrefix, points, duration })
  limiters.set(keyPrefix, found)
  return found
}

async function consumeOrRefuse(limiter: RateLimiterAbstract, key: string, points: number, message: string): Promise<void> {
  try {
    await limiter.consume(key, points)
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new AppError('RATE_LIMITED', message, { retryAfterMs: error.msBeforeNext })
    throw error
  }
}

/** Takes one upload from the user's per-minute budget, or fails with RATE_LIMITED. */
export function consumeUploadBudget(userId: string, perMinute: number): Promise<void> {
  return consumeOrRefuse(sharedLimiter('rl:upload', perMinute, 60), userId, 1, 'too many uploads, slow down')
}

/** Takes one point per conversation a sync:request names, or fails with RATE_LIMITED. */
export function consumeSyncBudget(userId: string, conversations: number, perMinute: number): Promise<void> {
  return consumeOrRefuse(sharedLimiter('rl:sync', perMinute, 60), userId, Math.max(1, conversations), 'too many sync requests, slow down')
}

/**
 * Claims the right to announce that a user started typing in a conversation, at most once per
 * interval across every instance. Resolves with 0 when claimed, else with the ms until the next claim.
 */
export async function claimTypingAnnouncement(userId: string, conversationId: string, intervalMs: number): Promise<number> {
  try {
    await sharedLimiter('rl:typing', 1, Math.max(1, Math.ceil(intervalMs / 1000))).consume(`${userId}:${conversationId}`)
    return 0
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext)
    throw error
  }
}
