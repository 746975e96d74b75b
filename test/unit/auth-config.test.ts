import { afterEach, describe, expect, it } from 'vitest'
import { getConfig, resetConfig } from '../../server/utils/config'
import { assertLocalSecretPolicy, weakSecretReason } from '../../server/infra/auth/secret-policy'

const saved = { ...process.env }
function withEnv(env: Record<string, string | undefined>) {
  for (const key of ['DATABASE_URL', 'SEED_DEMO', 'LOCAL_TOKEN_TTL_SECONDS']) Reflect.deleteProperty(process.env, key)
  Object.assign(process.env, env)
  resetConfig()
  return getConfig()
}
afterEach(() => {
  process.env = { ...saved }
  resetConfig()
})

describe('demo seeding', () => {
  it('seeds the demo users only in embedded mode unless asked for explicitly', () => {
    expect(withEnv({}).seedDemo).toBe(true)
    expect(withEnv({ SEED_DEMO: 'false' }).seedDemo).toBe(false)
    expect(withEnv({ DATABASE_URL: 'postgres://db/prod' }).seedDemo).toBe(false)
    expect(withEnv({ DATABASE_URL: 'postgres://db/prod', SEED_DEMO: '1' }).seedDemo).toBe(false)
    expect(withEnv({ DATABASE_URL: 'postgres://db/test', SEED_DEMO: 'true' }).seedDemo).toBe(true)
  })
})

describe('local access token lifetime', () => {
  it('defaults to 15 minutes and is capped there', () => {
    expect(withEnv({}).tokenTtlSeconds).toBe(900)
    expect(withEnv({ LOCAL_TOKEN_TTL_SECONDS: '43200' }).tokenTtlSeconds).toBe(900)
    expect(withEnv({ LOCAL_TOKEN_TTL_SECONDS: '2' }).tokenTtlSeconds).toBe(2)
  })
})

describe('LOCAL_JWT_SECRET policy', () => {
  it('accepts random secrets of the usual generators', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(32))
      expect(weakSecretReason(Buffer.from(bytes).toString('base64'))).toBeNull()
      expect(weakSecretReason(Buffer.from(bytes).toString('hex'))).toBeNull()
      expect(weakSecretReason(Buffer.from(bytes.slice(0, 24)).toString('base64url'))).toBeNull()
    }
  })

  it('names why a secret is weak', () => {
    expect(weakSecretReason('secret')).toMatch(/at least 32/)
    expect(weakSecretReason('your-super-secret-jwt-token-with-at-least-32-characters-long')).toMatch(/placeholder/)
    expect(weakSecretReason('changeme-changeme-changeme-changeme')).toMatch(/placeholder/)
    expect(weakSecretReason('abcdefghijklmnopqrstuvwxyz0123456789')).toMatch(/sequence/)
    expect(weakSecretReason('x'.repeat(64))).toMatch(/entropy/)
    expect(weakSecretReason('ab12'.repeat(12))).toMatch(/entropy/)
  })

  it('is enforced in production only, and only when the secret is set', () => {
    expect(() => assertLocalSecretPolicy({ NODE_ENV: 'production', LOCAL_JWT_SECRET: 'short' })).toThrow(/LOCAL_JWT_SECRET is too weak/)
    expect(() => assertLocalSecretPolicy({ NODE_ENV: 'production' })).not.toThrow()
    expect(() => assertLocalSecretPolicy({ NODE_ENV: 'development', LOCAL_JWT_SECRET: 'short' })).not.toThrow()
  })
})
