import { createServer, type Server, type Socket as NetSocket } from 'node:net'
import { Redis, type RedisOptions } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { afterAll, describe, expect, inject, it } from 'vitest'

// The shared Redis client fails a command left unanswered for its command timeout, and the rate
// limits then answer from memory (server/infra/redis.ts, rate-limit.ts): an instance cut off from
// Redis keeps working. After an event loop busy for longer than that timeout, timers run before the
// poll phase reads the reply that came in meanwhile, so a command Redis had carried out was failed
// too, and its limit answered again from memory: a request over a shared budget could get through.
// patches/ioredis+5.11.1.patch looks again after the poll. (The 301 of 300 sync requests CI saw in
// policy-security.test.ts came the other way a limit answers from memory: redis-limiter-first-use.test.ts.)

const TIMEOUT_MS = 300

/** Blocks the event loop right after the command went out (three ticks: written, not yet read). */
async function busyAfterWrite(ms: number) {
  await new Promise<void>(resolve => process.nextTick(() => process.nextTick(() => process.nextTick(resolve))))
  const until = Date.now() + ms
  while (Date.now() < until) { /* a busy instance */ }
}

const clients: Redis[] = []
const client = (url: string, options: RedisOptions = {}) => {
  const c = new Redis(url, { commandTimeout: TIMEOUT_MS, maxRetriesPerRequest: 1, ...options })
  clients.push(c)
  return c
}
let silent: Server | null = null
afterAll(() => {
  for (const c of clients) c.disconnect()
  silent?.close()
})

describe('a Redis command answered while the instance was busy', () => {
  it('resolves with what Redis did, not with a timeout', async () => {
    const redis = client(inject('services').redisUrl)
    const key = `busy-loop:${process.pid}:${Date.now()}`
    await redis.ping()
    const reply = redis.incr(key).then(n => ({ n }), (e: Error) => ({ error: e.message }))
    await busyAfterWrite(TIMEOUT_MS * 3)
    expect(await reply).toEqual({ n: 1 })
    expect(await redis.get(key)).toBe('1')
    await redis.del(key)
  })

  it('keeps a shared budget exact: the request over it is refused, not let through by the in-memory insurance', async () => {
    const redis = client(inject('services').redisUrl)
    await redis.ping()
    const opts = { keyPrefix: `busy-loop-rl:${process.pid}:${Date.now()}`, points: 2, duration: 60 }
    const limiter = new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(opts) })
    await limiter.consume('alice')
    await limiter.consume('alice')
    const third = limiter.consume('alice').then(() => 'allowed', (e: unknown) => e instanceof RateLimiterRes ? 'refused' : `error ${String(e)}`)
    await busyAfterWrite(TIMEOUT_MS * 3)
    expect(await third).toBe('refused')
  })

  it('still fails a command Redis never answers, after the timeout', async () => {
    // A server that accepts and stays silent, as Redis behind a partition.
    const held = new Set<NetSocket>()
    silent = createServer((s) => {
      held.add(s)
      s.on('close', () => held.delete(s))
    })
    const port = await new Promise<number>(resolve => silent!.listen(0, '127.0.0.1', () => resolve((silent!.address() as { port: number }).port)))
    const redis = client(`redis://127.0.0.1:${port}`, { enableReadyCheck: false })
    await new Promise(resolve => redis.once('ready', resolve))
    const started = performance.now()
    const reply = await redis.incr('never').then(n => ({ n }), (e: Error) => ({ error: e.message }))
    expect(reply).toEqual({ error: 'Command timed out' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 5)
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1000)
    for (const s of held) s.destroy()
  })
})
