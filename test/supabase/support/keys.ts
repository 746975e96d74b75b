import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose'

export interface SigningKey { kid: string, privateKey: CryptoKey, publicJwk: JWK, privateJwk: JWK }

/** An ES256 signing key as Supabase Auth holds it (GOTRUE_JWT_KEYS entry) and publishes it (JWKS). */
export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const kid = randomUUID()
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] }
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['sign', 'verify'] }
  return { kid, privateKey, publicJwk, privateJwk }
}

/**
 * The legacy JWT secret as a hosted project keeps it once asymmetric signing keys are on: an
 * HS256 `oct` key that only verifies (the anon and service-role keys stay valid), in the
 * GOTRUE_JWT_KEYS format. GoTrue takes the secret's bytes as they are, not base64-decoded.
 */
export function legacySecretJwk(secret: string, kid = randomUUID()): JWK {
  return { kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid, alg: 'HS256', use: 'sig', key_ops: ['verify'] }
}

/** The claim set of a Supabase Auth access token (internal/tokens AccessTokenClaims), minus iss/exp set by the caller. */
export function accessClaims(user: { id: string, email: string, app_metadata?: Record<string, unknown>, user_metadata?: Record<string, unknown> }, sessionId = randomUUID()): JWTPayload {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: user.id,
    aud: 'authenticated',
    email: user.email,
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'], ...user.app_metadata },
    user_metadata: { email: user.email, email_verified: true, phone_verified: false, sub: user.id, ...user.user_metadata },
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: now }],
    session_id: sessionId,
    is_anonymous: false
  }
}

export interface MintOptions {
  issuer: string
  expiresIn?: number
  /** Overrides applied last (e.g. aud, role). */
  claims?: Record<string, unknown>
}

export async function mintEs256(key: { kid: string, privateKey: CryptoKey }, payload: JWTPayload, opts: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ ...payload, ...opts.claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresIn ?? 3600))
    .sign(key.privateKey)
}

export async function mintHs256(secret: string, payload: JWTPayload, opts: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ ...payload, ...opts.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(secret))
}
