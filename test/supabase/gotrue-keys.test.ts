import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeProtectedHeader, generateKeyPair, SignJWT, type JWK } from 'jose'
import { startGoTrueStub } from './support/gotrue-stub'
import { accessClaims, legacySecretJwk, mintEs256, mintHs256, newSigningKey, type SigningKey } from './support/keys'

/**
 * The GoTrue stand-in keeps Supabase Auth's signing-key rules (support/gotrue-keys.ts), so a
 * configuration real GoTrue refuses fails here too: with asymmetric GOTRUE_JWT_KEYS and no HS256
 * key in the set, the legacy HS256 service-role key is "signing method HS256 is invalid".
 */
const issuer = 'http://127.0.0.1/auth/v1'
const stops: (() => Promise<void>)[] = []
afterAll(async () => { for (const stop of stops) await stop() })

async function gotrue(keys: JWK[] | undefined, secret: string) {
  const stub = await startGoTrueStub({ issuer, keys, jwtSecret: secret })
  stops.push(stub.close)
  const call = async (method: string, path: string, bearer?: string, body?: unknown) => {
    const res = await fetch(stub.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return { status: res.status, body: await res.json() as Record<string, any> }
  }
  const signUp = async () => {
    const up = await call('POST', '/signup', undefined, { email: `u-${randomUUID().slice(0, 8)}@example.test`, password: 'correct-horse-9' })
    expect(up.status, JSON.stringify(up.body)).toBe(200)
    return up.body as { access_token: string, user: { id: string, email: string } }
  }
  const promote = (userId: string, bearer: string) => call('PUT', `/admin/users/${userId}`, bearer, { app_metadata: { role: 'admin' } })
  return { call, signUp, promote }
}

const serviceKey = (secret: string) => mintHs256(secret, { role: 'service_role' }, { issuer: 'supabase-demo', expiresIn: 3600 })

describe('GoTrue stand-in: signing keys as Supabase Auth handles them', () => {
  const secret = randomBytes(32).toString('base64url')
  let es256: SigningKey
  beforeAll(async () => { es256 = await newSigningKey() })

  it('asymmetric keys alone: the HS256 service-role key is refused, as real GoTrue refuses it', async () => {
    const auth = await gotrue([es256.privateJwk], secret)
    const user = await auth.signUp()
    const refused = await auth.promote(user.user.id, await serviceKey(secret))
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ error_code: 'bad_jwt' })
    expect(refused.body.msg).toContain('signing method HS256 is invalid')
    // The user's own ES256 token still works.
    expect((await auth.call('GET', '/user', user.access_token)).status).toBe(200)
  })

  it('asymmetric signing key + the legacy secret kept to verify (hosted projects): service-role key accepted, tokens ES256', async () => {
    const legacy = legacySecretJwk(secret)
    const auth = await gotrue([es256.privateJwk, legacy], secret)
    const user = await auth.signUp()
    expect(decodeProtectedHeader(user.access_token)).toMatchObject({ alg: 'ES256', kid: es256.kid })
    const promoted = await auth.promote(user.user.id, await serviceKey(secret))
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200)
    expect(promoted.body.app_metadata).toMatchObject({ role: 'admin' })
    // The JWKS publishes the public EC key only: never the shared secret, never a private part.
    const { body } = await auth.call('GET', '/.well-known/jwks.json')
    expect(body.keys).toHaveLength(1)
    expect(body.keys[0]).toMatchObject({ kid: es256.kid, kty: 'EC', alg: 'ES256', key_ops: ['verify'] })
    expect(body.keys[0].d).toBeUndefined()
    expect(JSON.stringify(body)).not.toContain(String(legacy.k))
  })

  it('still refuses what GoTrue refuses once HS256 is accepted', async () => {
    const auth = await gotrue([es256.privateJwk, legacySecretJwk(secret)], secret)
    const user = await auth.signUp()
    const claims = accessClaims({ id: user.user.id, email: user.user.email })
    const bad: Array<[string, string]> = [
      ['a user token promoting itself', user.access_token],
      ['HS256 with another secret', await serviceKey(randomBytes(32).toString('base64url'))],
      ['HS256 naming the EC key (algorithm confusion)', await new SignJWT({ role: 'service_role' })
        .setProtectedHeader({ alg: 'HS256', kid: es256.kid }).setExpirationTime('1h').sign(new TextEncoder().encode(secret))],
      ['ES256 by an unknown key', await mintEs256(await newSigningKey(), { ...claims, role: 'service_role' }, { issuer })],
      ['RS256, an algorithm outside the set', await new SignJWT({ role: 'service_role' })
        .setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign((await generateKeyPair('RS256')).privateKey)],
      ['an expired service-role key', await mintHs256(secret, { role: 'service_role' }, { issuer: 'supabase-demo', expiresIn: -60 })]
    ]
    for (const [what, token] of bad) {
      expect((await auth.promote(user.user.id, token)).status, what).toBe(403)
    }
  })

  it('no key set: the legacy secret signs HS256 and the JWKS is empty', async () => {
    const auth = await gotrue(undefined, secret)
    const user = await auth.signUp()
    expect(decodeProtectedHeader(user.access_token).alg).toBe('HS256')
    expect((await auth.call('GET', '/.well-known/jwks.json')).body.keys).toEqual([])
    expect((await auth.promote(user.user.id, await serviceKey(secret))).status).toBe(200)
  })

  it('refuses to start without exactly one signing key, as GoTrue does', async () => {
    const verifyOnly = { ...es256.privateJwk, key_ops: ['verify'] }
    await expect(startGoTrueStub({ issuer, keys: [verifyOnly, legacySecretJwk(secret)], jwtSecret: secret })).rejects.toThrow(/no signing key/)
    const other = await newSigningKey()
    await expect(startGoTrueStub({ issuer, keys: [es256.privateJwk, other.privateJwk], jwtSecret: secret })).rejects.toThrow(/multiple signing keys/)
  })
})
