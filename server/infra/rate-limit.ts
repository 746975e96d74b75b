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
