import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SignJWT } from 'jose'
import { resetConfig } from '../../server/utils/config'
import { signLocalToken, verifyAccessToken } from '../../server/infra/auth/tokens'

const saved = { ...process.env }
const user = { id: '9b2f7c1e-1b7e-4a4e-9a51-6f2d3c1d0a11', email: 'ann@example.com', role: 'member' as const, displayName: 'Ann' }

beforeEach(() => {
  for (const key of ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_JWT_SECRET', 'DATABASE_URL']) Reflect.deleteProperty(process.env, key)
  process.env.LOCAL_JWT_SECRET = 'a-local-secret-long-enough-for-the-policy-0123456789'
  resetConfig()
})
afterEach(() => {
  vi.useRealTimers()
  process.env = { ...saved }
  resetConfig()
})

/** A token as any HS256 signer would make it from the secret's bytes. */
function signedElsewhere(secret: string, claims: Record<string, unknown> = {}) {
  return new SignJWT({ role: 'authenticated', session_id: 's1', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('project-chat-local')
    .setAudience('authenticated')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret))
}

describe('local access tokens', () => {
  it('verifies what it signs, many times over with the one imported key', async () => {
    const { token } = await signLocalToken(user, 's1')
    for (let i = 0; i < 3; i++) expect((await verifyAccessToken(token)).sub).toBe(user.id)
  })

  it('accepts a token signed from the same secret by another signer', async () => {
    expect((await verifyAccessToken(await signedElsewhere(process.env.LOCAL_JWT_SECRET!))).sub).toBe(user.id)
  })

  it('refuses a token signed with another secret, and one whose claims were changed', async () => {
    await expect(verifyAccessToken(await signedElsewhere('another-secret-of-the-same-length-0123456789abcdef'))).rejects.toThrow()
    const { token } = await signLocalToken(user, 's1')
    const [header, , signature] = token.split('.')
    const forged = Buffer.from(JSON.stringify({ sub: user.id, role: 'authenticated', exp: 4102444800, app_metadata: { role: 'admin' } })).toString('base64url')
    await expect(verifyAccessToken(`${header}.${forged}.${signature}`)).rejects.toThrow()
  })

  it('refuses tokens once the secret changes', async () => {
    const { token } = await signLocalToken(user, 's1')
    process.env.LOCAL_JWT_SECRET = 'a-rotated-local-secret-long-enough-0123456789abcdef'
    await expect(verifyAccessToken(token)).rejects.toThrow()
    expect((await verifyAccessToken((await signLocalToken(user, 's1')).token)).sub).toBe(user.id)
  })

  it('keeps refusing, after a token was verified, its expiry, a changed secret and a forged copy', async () => {
    const { token, exp } = await signLocalToken(user, 's1', 60)
    expect((await verifyAccessToken(token)).sub).toBe(user.id)
    const [header, payload, signature] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
    const promoted = Buffer.from(JSON.stringify({ ...claims, app_metadata: { role: 'admin' } })).toString('base64url')
    await expect(verifyAccessToken(`${header}.${promoted}.${signature}`)).rejects.toThrow()
    expect((await verifyAccessToken(token)).sub).toBe(user.id)

    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(exp * 1000)
    await expect(verifyAccessToken(token)).rejects.toThrow()
    vi.useRealTimers()

    const fresh = (await signLocalToken(user, 's1')).token
    expect((await verifyAccessToken(fresh)).sub).toBe(user.id)
    process.env.LOCAL_JWT_SECRET = 'a-rotated-local-secret-long-enough-0123456789abcdef'
    resetConfig()
    await expect(verifyAccessToken(fresh)).rejects.toThrow()
  })
})
