import { RateLimiterRes } from 'rate-limiter-flexible'
import { afterAll, describe, expect, inject, it } from 'vitest'

// Every Redis-backed rate limit is made on its first use, on the shared auto-pipelining client
// (server/infra/redis.ts, rate-limit.ts). Made while a pipeline of that tick was open, its first
// request failed inside the pipeline, was answered from this instance's memory and left the
// pipeline's replies out of step with their callbacks (an uncaught TypeError): one sync request
// over a shared budget of 300 got through in CI (policy-security.test.ts, 301 of 300).

process.env.REDIS_URL = inject('services').redisUrl
const { getRedis } = await import('../../server/infra/redis')
const { sharedLimiter } = await import('../../server/infra/rate-limit')

afterAll(() => getRedis()?.disconnect())

describe('a rate limit used for the first time while the Redis client has a pipeline open', () => {
  it('counts that first request in Redis and refuses the one over the budget', async () => {
    const redis = getRedis()!
    await redis.ping()
    const prefix = `first-use:${process.pid}:${Date.now()}`
    // A command of the same tick opens an auto-pipeline, as presence or a send does on a busy instance.
    const other = redis.get(`${prefix}:other`)
    const limiter = sharedLimiter({ keyPrefix: prefix, points: 1, duration: 60 })
    await limiter.consume('alice')
    expect(await other).toBeNull()
    expect(await redis.get(`${prefix}:alice`)).toBe('1')
    const second = await limiter.consume('alice').then(() => 'allowed', (e: unknown) => e instanceof RateLimiterRes ? 'refused' : `error ${String(e)}`)
    expect(second).toBe('refused')
    await redis.del(`${prefix}:alice`)
  })
})
