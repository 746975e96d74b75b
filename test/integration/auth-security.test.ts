import { randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { startInstance, type Instance } from '../support/instance.mjs'
import { api, authPost, baseUrl, instanceOnce, logIn, servers, signUp } from '../support/helpers'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * A server of its own with small per-IP limits, started once for the two describes that need one:
 * the per-IP limits, and a strong LOCAL_JWT_SECRET, which it starts with.
 */
const limitedServer = instanceOnce(() => startInstance({
  pgliteTemplate: true,
  env: { AUTH_SIGNUPS_PER_IP: '3', AUTH_LOGIN_FAILS_PER_IP: '6', LOCAL_JWT_SECRET: randomBytes(48).toString('base64url') }
}))

async function timedLogin(base: string, email: string, password: string): Promise<{ ms: number, status: number }> {
  const started = performance.now()
  const res = await authPost(base, '/api/auth/local/login', { body: { email, password } })
  return { ms: performance.now() - started, status: res.status }
}

describe('a production server refuses a weak LOCAL_JWT_SECRET', () => {
  // Anyone who guesses the secret can mint an admin token; the server must not even start with one.
  for (const [label, secret] of [
    ['short', 'supersecret'],
    ['documented placeholder', 'your-super-secret-jwt-token-with-at-least-32-characters-long'],
    ['low entropy', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['repeated pattern', 'abab1212abab1212abab1212abab1212']
  ] as const) {
    // Each start fails within a second or two, at once.
    it.concurrent(`exits with a clear message for a ${label} secret`, async () => {
      let server: Instance | undefined
      try {
        const started = startInstance({ env: { LOCAL_JWT_SECRET: secret } }).then((s) => { server = s })
        await expect(started).rejects.toThrow(/server exited with 1[\s\S]*LOCAL_JWT_SECRET is too weak for production/)
      } finally {
        await server?.stop()
      }
    })
  }

  it.concurrent('starts with a strong secret, and without one (generated and stored in the database)', async () => {
    const strong = await limitedServer()
    expect((await api(strong.url, 'GET', '/api/health')).status).toBe(200)
    // The suite's own server runs without LOCAL_JWT_SECRET in production mode.
    expect((await api(baseUrl(), 'GET', '/api/health')).status).toBe(200)
  })
})

describe('sign-in brute force is throttled per account and IP', () => {
  it('locks an account for this IP after 5 wrong passwords, refusing the right one too, on every instance', async () => {
    const victim = await signUp('Victim')
    const email = victim.user.email
    const statuses: number[] = []
    let locked: Awaited<ReturnType<typeof authPost>> | undefined
    for (let i = 0; i < 8; i++) {
      // Alternate instances when there are two: the count lives in Redis, not in one process.
      const res = await authPost(baseUrl(i), '/api/auth/local/login', { body: { email, password: `wrong-${i}` } })
      statuses.push(res.status)
      if (res.status === 429) locked = res
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.slice(5)).toEqual([429, 429, 429])
    expect(locked!.body.error?.code).toBe('RATE_LIMITED')
    expect(locked!.body.error?.details?.retryAfterMs).toBeGreaterThan(60_000)

    for (let i = 0; i < servers().length; i++) {
      const right = await authPost(baseUrl(i), '/api/auth/local/login', { body: { email, password: 'secret-password' } })
      expect(right.status, `instance ${i}`).toBe(429)
      expect(right.body.error?.code).toBe('RATE_LIMITED')
      expect(right.body.accessToken).toBeUndefined()
    }
  })

  it('a successful sign-in resets the run of failures', async () => {
    const member = await signUp('Forgetful')
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) {
        expect((await authPost(baseUrl(), '/api/auth/local/login', { body: { email: member.user.email, password: 'nope-nope' } })).status).toBe(401)
      }
      await logIn(member.user.email, 'secret-password')
    }
  })

  it('answers a wrong password for a known email as fast as an unknown email (no timing oracle)', async () => {
    const tries = 7
    const known = await Promise.all(Array.from({ length: tries }, () => signUp('Timed')))
    const knownMs: number[] = []
    const unknownMs: number[] = []
    await timedLogin(baseUrl(), `warm-${randomUUID()}@test.local`, 'warm-up-pass')
    for (let i = 0; i < tries; i++) {
      const a = await timedLogin(baseUrl(), known[i]!.user.email, 'wrong-password')
      const b = await timedLogin(baseUrl(), `nobody-${randomUUID()}@test.local`, 'wrong-password')
      expect([a.status, b.status]).toEqual([401, 401])
      knownMs.push(a.ms)
      unknownMs.push(b.ms)
    }
    const ratio = median(knownMs) / median(unknownMs)
    expect(ratio, `median known ${median(knownMs).toFixed(1)} ms vs unknown ${median(unknownMs).toFixed(1)} ms`).toBeLessThan(3)
    expect(ratio).toBeGreaterThan(1 / 3)
  })
})

describe('per-IP limits (a server with small limits)', () => {
  let server: Instance
  beforeAll(async () => {
    server = await limitedServer()
  })

  it('limits sign-ups per IP, before any password is hashed', async () => {
    const made = []
    for (let i = 0; i < 3; i++) made.push(await signUp(`Bulk${i}`, server.url))
    expect(made).toHaveLength(3)
    const fourth = await authPost(server.url, '/api/auth/local/signup', { body: { email: `bulk-${randomUUID()}@test.local`, password: 'secret-password', displayName: 'Bulk' } })
    expect(fourth.status).toBe(429)
    expect(fourth.body.error?.code).toBe('RATE_LIMITED')
    expect(fourth.body.error?.details?.retryAfterMs).toBeGreaterThan(0)
    expect(fourth.cookie).toBeUndefined()
  })

  it('locks the IP after too many failures across many emails (password spraying), even for a right password', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      statuses.push((await authPost(server.url, '/api/auth/local/login', { body: { email: `spray-${i}-${randomUUID()}@test.local`, password: 'Summer2026!' } })).status)
    }
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401])
    expect(statuses.slice(6)).toEqual([429, 429])
    const demo = await authPost(server.url, '/api/auth/local/login', { body: { email: 'alice@example.com', password: 'password' } })
    expect(demo.status).toBe(429)
    expect(demo.body.error?.details?.retryAfterMs).toBeGreaterThan(0)
  })
})
