import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions } from 'jose'
import { lazy } from '../lazy'
import { storedSecret } from '../stored-secret'
import { getConfig } from '../../utils/config'

/** The claims the server reads from a Supabase-shaped access token. */
export interface AccessClaims extends JWTPayload {
  sub: string
  email?: string
  role?: string
  exp: number
  /** The session the token belongs to; local mode revokes tokens through it. */
  session_id?: string
  app_metadata?: { role?: string, [key: string]: unknown }
  user_metadata?: { display_name?: string, full_name?: string, name?: string, [key: string]: unknown }
}

const LOCAL_ISSUER = 'project-chat-local'
const AUDIENCE = 'authenticated'
// createRemoteJWKSet caches keys and refetches when it meets an unknown kid.
const supabaseJwks = lazy('supabase-jwks', () => createRemoteJWKSet(new URL(`${getConfig().supabase!.url}/auth/v1/.well-known/jwks.json`)))

// Imported once per secret: given raw bytes, jose imports a key on every sign and verify, which
// cost each authenticated request more than checking its signature.
const hmacKeys = new Map<string, Promise<CryptoKey>>()
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    hmacKeys.set(secret, key)
    key.catch(() => hmacKeys.delete(secret))
  }
  return key
}

/** The local signing secret lives in the database (storedSecret keeps it) so every instance sharing it accepts the same tokens. */
async function getLocalSecret(): Promise<CryptoKey> {
  return hmacKey(process.env.LOCAL_JWT_SECRET || await storedSecret('local_jwt_secret'))
}

/** Signs a local-mode access token for one session, with the claim shape of a Supabase access token. */
export async function signLocalToken(
  user: { id: string, email: string, role: 'member' | 'admin', displayName: string },
  sessionId: string,
  ttlSeconds = getConfig().tokenTtlSeconds
): Promise<{ token: string, exp: number }> {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds
  const token = await new SignJWT({
    email: user.email,
    role: 'authenticated',
    aal: 'aal1',
    session_id: sessionId,
    is_anonymous: false,
    app_metadata: { provider: 'email', role: user.role },
    user_metadata: { display_name: user.displayName }
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(await getLocalSecret())
  return { token, exp }
}

type Verifier = CryptoKey | ReturnType<typeof supabaseJwks>

/** The key that must have signed the token in the configured mode, and what else it must say. */
async function verifierFor(token: string): Promise<{ key: Verifier, options: JWTVerifyOptions }> {
  const supabase = getConfig().supabase
  if (!supabase) return { key: await getLocalSecret(), options: { algorithms: ['HS256'], issuer: LOCAL_ISSUER, audience: AUDIENCE } }
  const options = { issuer: `${supabase.url}/auth/v1`, audience: AUDIENCE }
  if (decodeAlg(token) !== 'HS256') return { key: supabaseJwks(), options: { ...options, algorithms: ['ES256', 'RS256'] } }
  if (!supabase.jwtSecret) throw new Error('HS256 token but no SUPABASE_JWT_SECRET configured')
  return { key: await hmacKey(supabase.jwtSecret), options: { ...options, algorithms: ['HS256'] } }
}

// A client sends the same token with every request and handshake until it renews it, and checking
// its signature (with the JSON and base64 around it) was the largest single cost of a small REST
// request. A token verified once by the key now in force stands until its `exp`; a changed secret
// is another key, so its entries no longer count. Sessions and bans are checked apart, on every
// request (identity.ts). Kept small: past it the oldest go first, and a burst of handshakes leaves
// at most this many tokens in memory.
const VERIFIED_MAX = 1000
const verified = new Map<string, { claims: Readonly<AccessClaims>, key: Verifier }>()

/** Verifies an access token for the configured mode; throws on anything invalid or expired. */
export async function verifyAccessToken(token: string): Promise<Readonly<AccessClaims>> {
  const { key, options } = await verifierFor(token)
  const known = verified.get(token)
  // jose's own rule: a token is expired from its `exp` second on.
  if (known && known.key === key && known.claims.exp > Math.floor(Date.now() / 1000)) return known.claims
  // Two calls, one per overload of jwtVerify (a key, or a key set to pick from).
  const { payload } = key instanceof CryptoKey ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)
  if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('token lacks sub or exp')
  if (payload.role !== 'authenticated') throw new Error('token role is not authenticated')
  // Supabase anonymous sign-ins also carry role "authenticated"; a chat member must be a real account.
  if (payload.is_anonymous === true) throw new Error('anonymous sessions are not members')
  const claims = Object.freeze(payload as AccessClaims)
  verified.delete(token)
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
  verified.set(token, { claims, key })
  return claims
}

/** The token's `alg`, or undefined when its header is not readable (jwtVerify then refuses it). */
function decodeAlg(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg
  } catch {
    return undefined
  }
}
