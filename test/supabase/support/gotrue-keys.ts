import { createPublicKey } from 'node:crypto'
import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

/**
 * How Supabase Auth (GoTrue v2.196) treats its signing keys, for the stand-in to follow exactly:
 * - `GOTRUE_JWT_KEYS` is a JSON array of private JWKs. Exactly one carries `key_ops` "sign" and
 *   signs every token (its `kid` goes into the header); the others only verify. Without the
 *   variable the legacy `GOTRUE_JWT_SECRET` signs and verifies as HS256.
 * - The algorithms accepted are those of the keys in the set (or `GOTRUE_JWT_VALID_METHODS`).
 *   A set holding only an ES256 key therefore refuses every HS256 token — the legacy anon and
 *   service-role keys included ("signing method HS256 is invalid"). Hosted projects keep the
 *   legacy secret in the set as an `oct` HS256 key with `key_ops: ["verify"]`.
 * - Verification key: the key whose `kid` the token names; otherwise, for HS256 only, the legacy
 *   secret. The algorithm must fit that key (an HS256 token naming an EC key's kid fails).
 * - The JWKS publishes the public halves of the asymmetric keys, never an `oct` key.
 */
export interface GoTrueKeyConfig {
  /** GOTRUE_JWT_KEYS, parsed; empty or absent = the legacy secret alone. */
  keys?: JWK[]
  /** GOTRUE_JWT_SECRET. */
  secret: string
  /** GOTRUE_JWT_VALID_METHODS; by default the algorithms of `keys`. */
  validMethods?: string[]
}

export interface GoTrueKeySet {
  validMethods: string[]
  /** What /.well-known/jwks.json answers. */
  jwks: JWK[]
  /** Signs claims as GoTrue does: the signing key's algorithm, its kid in the header. */
  sign: (payload: JWTPayload) => Promise<string>
  /** Verifies a bearer token; throws GoTrueJwtError with GoTrue's wording. */
  verify: (token: string) => Promise<JWTPayload>
}

/** A token GoTrue refuses (HTTP 403 bad_jwt); the message follows GoTrue's error text. */
export class GoTrueJwtError extends Error {}

const SIGN = 'sign'

function publicHalf(jwk: JWK): JWK {
  const { kid, alg } = jwk
  const exported = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ format: 'jwk' }) as JWK
  return { ...exported, kid, alg, use: 'sig', key_ops: ['verify'] }
}

/** WebCrypto derives key usages from key_ops, and a private EC key cannot "verify": import without them. */
const withoutUsage = (jwk: JWK): JWK => Object.fromEntries(Object.entries(jwk).filter(([name]) => name !== 'key_ops' && name !== 'use'))

async function verificationKey(jwk: JWK): Promise<CryptoKey | Uint8Array> {
  if (jwk.kty === 'oct') return Buffer.from(String(jwk.k), 'base64url')
  return importJWK(withoutUsage(publicHalf(jwk)), jwk.alg) as Promise<CryptoKey>
}

/** Builds the key set GoTrue would load from this configuration; throws where GoTrue refuses to start. */
export async function loadGoTrueKeys(config: GoTrueKeyConfig): Promise<GoTrueKeySet> {
  const legacy: JWK = { kty: 'oct', k: Buffer.from(config.secret).toString('base64url'), alg: 'HS256', use: 'sig', key_ops: [SIGN, 'verify'] }
  const keys = config.keys?.length ? config.keys : [legacy]
  const signing = keys.filter(k => k.key_ops?.includes(SIGN))
  if (signing.length === 0) throw new Error('no signing key detected')
  if (signing.length > 1) throw new Error('multiple signing keys detected, only 1 signing key is supported')
  const signer = signing[0]!
  const signAlg = signer.kty === 'oct' ? 'HS256' : String(signer.alg)
  const signKey = signer.kty === 'oct' ? Buffer.from(String(signer.k), 'base64url') : await importJWK(withoutUsage(signer), signAlg)
  const validMethods = config.validMethods ?? keys.map(k => String(k.alg ?? ''))
  const byKid = new Map<string, CryptoKey | Uint8Array>()
  for (const k of keys) byKid.set(String(k.kid ?? ''), await verificationKey(k))
  const secret = new TextEncoder().encode(config.secret)

  return {
    validMethods,
    jwks: keys.filter(k => k.kty !== 'oct').map(publicHalf),
    sign: payload => new SignJWT(payload)
      .setProtectedHeader({ alg: signAlg, typ: 'JWT', ...(signer.kid ? { kid: signer.kid } : {}) })
      .sign(signKey),
    async verify(token) {
      let header: { alg?: string, kid?: unknown }
      try {
        header = decodeProtectedHeader(token)
      } catch {
        throw new GoTrueJwtError('token is malformed: could not base64 decode header')
      }
      const alg = String(header.alg)
      if (!validMethods.includes(alg)) throw new GoTrueJwtError(`token signature is invalid: signing method ${alg} is invalid`)
      let key = typeof header.kid === 'string' ? byKid.get(header.kid) : undefined
      if (!key && alg === 'HS256') key = secret
      if (!key) throw new GoTrueJwtError(`token is unverifiable: error while executing keyfunc: unrecognized JWT kid ${String(header.kid)} for algorithm ${alg}`)
      try {
        return (await jwtVerify(token, key, { algorithms: [alg] })).payload
      } catch (error) {
        throw new GoTrueJwtError(`token signature is invalid: ${(error as Error).message}`)
      }
    }
  }
}
