import { createHash, randomUUID, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { JWK, JWTPayload } from 'jose'
import { GoTrueJwtError, loadGoTrueKeys } from './gotrue-keys'
import { accessClaims } from './keys'

/**
 * A stand-in for Supabase Auth (GoTrue) when its binary cannot be built here: the same routes at
 * the root (/signup, /token?grant_type=password|pkce, /user (GET, PUT), /recover, /verify,
 * /admin/users/:id, /.well-known/jwks.json), the same response and claim shapes (from supabase/auth
 * internal/api and internal/tokens), and
 * the same signing-key rules (./gotrue-keys.ts): it signs with the one key of GOTRUE_JWT_KEYS
 * whose key_ops hold "sign" and accepts only the algorithms of its key set, so a set without an
 * HS256 key refuses the legacy service-role key just as GoTrue does. Users live in memory,
 * autoconfirmed. Emails are not sent: the links GoTrue would mail are kept, and a route of the stub's
 * own (`GET /__stub/outbox?email=`, like the Supabase CLI's mail catcher) lists them for tests.
 */
export interface GoTrueStubOptions {
  issuer: string
  /** GOTRUE_JWT_KEYS (private JWKs); unset = the legacy secret signs HS256. */
  keys?: JWK[]
  /** GOTRUE_JWT_SECRET. */
  jwtSecret: string
  /** GOTRUE_JWT_VALID_METHODS. */
  validMethods?: string[]
  jwtExp?: number
}

/** GOTRUE_JWT_ADMIN_ROLES as scripts/gotrue-up.sh sets it. */
const ADMIN_ROLES = ['supabase_admin', 'service_role']

interface StoredUser { id: string, email: string, password: string, app_metadata: Record<string, unknown>, user_metadata: Record<string, unknown>, created_at: string }

/** A mailed one-time link (GoTrue keeps only its hash) and the PKCE challenge of the flow that asked for it. */
interface OneTimeToken { email: string, type: 'recovery', redirectTo: string, codeChallenge: string | null, codeChallengeMethod: string | null, expiresAt: number }
interface FlowState { email: string, type: 'recovery', codeChallenge: string, codeChallengeMethod: string, expiresAt: number }

/** GOTRUE_MAILER_OTP_EXP's default: a mailed link works for an hour. */
const OTP_TTL_MS = 3600_000
/** GoTrue's flow states (auth codes) live 5 minutes. */
const FLOW_TTL_MS = 300_000

const sha256 = (text: string) => createHash('sha256').update(text).digest()

export async function startGoTrueStub(opts: GoTrueStubOptions): Promise<{ url: string, server: Server, close: () => Promise<void> }> {
  const users = new Map<string, StoredUser>()
  const sessions = new Set<string>()
  const oneTimeTokens = new Map<string, OneTimeToken>()
  const flowStates = new Map<string, FlowState>()
  const outbox: { to: string, type: 'recovery', link: string, sentAt: string }[] = []
  const exp = opts.jwtExp ?? 3600
  const keySet = await loadGoTrueKeys({ keys: opts.keys, secret: opts.jwtSecret, validMethods: opts.validMethods })

  const userJson = (u: StoredUser) => ({
    id: u.id, aud: 'authenticated', role: 'authenticated', email: u.email, email_confirmed_at: u.created_at, phone: '',
    confirmed_at: u.created_at, last_sign_in_at: new Date().toISOString(), app_metadata: { provider: 'email', providers: ['email'], ...u.app_metadata },
    user_metadata: { email: u.email, email_verified: true, phone_verified: false, sub: u.id, ...u.user_metadata },
    identities: [], created_at: u.created_at, updated_at: u.created_at, is_anonymous: false
  })
  const session = async (u: StoredUser) => {
    const sessionId = randomUUID()
    sessions.add(sessionId)
    const now = Math.floor(Date.now() / 1000)
    const claims = accessClaims({ id: u.id, email: u.email, app_metadata: u.app_metadata, user_metadata: u.user_metadata }, sessionId)
    const access_token = await keySet.sign({ ...claims, iss: opts.issuer, iat: now, exp: now + exp })
    return { access_token, token_type: 'bearer', expires_in: exp, expires_at: Math.floor(Date.now() / 1000) + exp, refresh_token: randomBytes(9).toString('base64url'), user: userJson(u) }
  }
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const fail = (res: ServerResponse, status: number, error_code: string, msg: string) => send(res, status, { code: status, error_code, msg })
  const readJson = async (req: IncomingMessage) => {
    let raw = ''
    for await (const chunk of req) raw += chunk
    return raw ? JSON.parse(raw) as Record<string, unknown> : {}
  }
  const bearer = (req: IncomingMessage) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  /** GoTrue's parseJWTClaims, then the session lookup a token with a session_id gets. */
  const authenticate = async (req: IncomingMessage, res: ServerResponse): Promise<JWTPayload | null> => {
    const token = bearer(req)
    if (!token) {
      fail(res, 401, 'no_authorization', 'This endpoint requires a valid Bearer token')
      return null
    }
    let claims: JWTPayload
    try {
      claims = await keySet.verify(token)
    } catch (error) {
      if (!(error instanceof GoTrueJwtError)) throw error
      fail(res, 403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${error.message}`)
      return null
    }
    if (typeof claims.session_id === 'string' && !sessions.has(claims.session_id)) {
      fail(res, 403, 'session_not_found', 'Session from session_id claim in JWT does not exist')
      return null
    }
    return claims
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://stub')
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
        res.setHeader('cache-control', 'public, max-age=600')
        return send(res, 200, { keys: keySet.jwks })
      }
      if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { version: 'stub', name: 'GoTrue', description: 'GoTrue stub for tests' })
      if (req.method === 'POST' && url.pathname === '/signup') {
        const body = await readJson(req)
        const email = String(body.email ?? '').toLowerCase()
        const password = String(body.password ?? '')
        if (!email.includes('@')) return fail(res, 400, 'validation_failed', 'Unable to validate email address: invalid format')
        if (password.length < 6) return fail(res, 422, 'weak_password', 'Password should be at least 6 characters.')
        if (users.has(email)) return fail(res, 422, 'user_already_exists', 'User already registered')
        const u: StoredUser = { id: randomUUID(), email, password, app_metadata: {}, user_metadata: (body.data as Record<string, unknown>) ?? {}, created_at: new Date().toISOString() }
        users.set(email, u)
        return send(res, 200, await session(u))
      }
      if (req.method === 'POST' && url.pathname === '/token' && url.searchParams.get('grant_type') === 'password') {
        const body = await readJson(req)
        const u = users.get(String(body.email ?? '').toLowerCase())
        if (!u || u.password !== body.password) return fail(res, 400, 'invalid_credentials', 'Invalid login credentials')
        return send(res, 200, await session(u))
      }
      if (req.method === 'GET' && url.pathname === '/user') {
        const claims = await authenticate(req, res)
        if (!claims) return
        const u = [...users.values()].find(x => x.id === claims.sub)
        if (!u) return fail(res, 403, 'user_not_found', 'User from sub claim in JWT does not exist')
        const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud
        if (aud !== 'authenticated') return fail(res, 400, 'validation_failed', 'Token audience doesn\'t match request audience')
        return send(res, 200, userJson(u))
      }
      if (req.method === 'PUT' && url.pathname === '/user') {
        const claims = await authenticate(req, res)
        if (!claims) return
        const u = [...users.values()].find(x => x.id === claims.sub)
        if (!u) return fail(res, 403, 'user_not_found', 'User from sub claim in JWT does not exist')
        const body = await readJson(req)
        if (typeof body.password === 'string') {
          if (body.password.length < 6) return fail(res, 422, 'weak_password', 'Password should be at least 6 characters.')
          if (body.password === u.password) return fail(res, 422, 'same_password', 'New password should be different from the old password.')
          u.password = body.password
        }
        if (body.data) u.user_metadata = { ...u.user_metadata, ...(body.data as Record<string, unknown>) }
        return send(res, 200, userJson(u))
      }
      if (req.method === 'POST' && url.pathname === '/recover') {
        // Always 200 {}: whether the address has an account is not told.
        const body = await readJson(req)
        const email = String(body.email ?? '').toLowerCase()
        if (!email.includes('@')) return fail(res, 400, 'validation_failed', 'Unable to validate email address: invalid format')
        if (users.has(email)) {
          const token = randomBytes(28).toString('hex')
          const redirectTo = url.searchParams.get('redirect_to') ?? 'http://127.0.0.1:3000'
          const challenge = typeof body.code_challenge === 'string' && body.code_challenge ? body.code_challenge : null
          oneTimeTokens.set(sha256(token).toString('hex'), {
            email, type: 'recovery', redirectTo, codeChallenge: challenge,
            codeChallengeMethod: challenge ? String(body.code_challenge_method ?? 's256').toLowerCase() : null, expiresAt: Date.now() + OTP_TTL_MS
          })
          const link = `${opts.issuer}/verify?token=${token}&type=recovery&redirect_to=${encodeURIComponent(redirectTo)}`
          outbox.push({ to: email, type: 'recovery', link, sentAt: new Date().toISOString() })
        }
        return send(res, 200, {})
      }
      if (req.method === 'GET' && url.pathname === '/verify') {
        // The mailed link: spends the token and redirects to redirect_to — with ?code= for a PKCE
        // flow, with the session in the fragment otherwise, with the error in the fragment if it failed.
        const hash = sha256(url.searchParams.get('token') ?? '').toString('hex')
        const entry = oneTimeTokens.get(hash)
        oneTimeTokens.delete(hash)
        const redirectTo = entry?.redirectTo ?? url.searchParams.get('redirect_to') ?? 'http://127.0.0.1:3000'
        const redirect = (location: string) => {
          res.writeHead(303, { location })
          res.end()
        }
        const u = entry && users.get(entry.email)
        if (!entry || !u || entry.expiresAt < Date.now() || url.searchParams.get('type') !== entry.type) {
          return redirect(`${redirectTo}#error=access_denied&error_code=otp_expired&error_description=${encodeURIComponent('Email link is invalid or has expired')}`)
        }
        if (entry.codeChallenge) {
          const code = randomUUID()
          flowStates.set(code, { email: entry.email, type: entry.type, codeChallenge: entry.codeChallenge, codeChallengeMethod: entry.codeChallengeMethod ?? 's256', expiresAt: Date.now() + FLOW_TTL_MS })
          const target = new URL(redirectTo)
          target.searchParams.set('code', code)
          return redirect(target.toString())
        }
        const s = await session(u)
        const fragment = new URLSearchParams({ access_token: s.access_token, expires_at: String(s.expires_at), expires_in: String(s.expires_in), refresh_token: s.refresh_token, token_type: 'bearer', type: entry.type })
        return redirect(`${redirectTo}#${fragment}`)
      }
      if (req.method === 'POST' && url.pathname === '/token' && url.searchParams.get('grant_type') === 'pkce') {
        const body = await readJson(req)
        const code = String(body.auth_code ?? '')
        const flow = flowStates.get(code)
        if (!flow || flow.expiresAt < Date.now()) return fail(res, 404, 'flow_state_not_found', 'invalid flow state, no valid flow state found')
        const verifier = String(body.code_verifier ?? '')
        const expected = flow.codeChallengeMethod === 'plain' ? verifier : sha256(verifier).toString('base64url')
        if (expected !== flow.codeChallenge) return fail(res, 403, 'bad_code_verifier', 'code challenge does not match previously saved code verifier')
        flowStates.delete(code)
        const u = users.get(flow.email)
        if (!u) return fail(res, 404, 'user_not_found', 'User not found')
        return send(res, 200, await session(u))
      }
      if (req.method === 'GET' && url.pathname === '/__stub/outbox') {
        const to = url.searchParams.get('email')?.toLowerCase()
        return send(res, 200, { messages: outbox.filter(m => !to || m.to === to) })
      }
      const admin = url.pathname.match(/^\/admin\/users\/([0-9a-f-]{36})$/)
      if (admin && req.method === 'PUT') {
        const claims = await authenticate(req, res)
        if (!claims) return
        if (!ADMIN_ROLES.includes(String(claims.role))) return fail(res, 403, 'not_admin', 'User not allowed')
        const u = [...users.values()].find(x => x.id === admin[1])
        if (!u) return fail(res, 404, 'user_not_found', 'User not found')
        const body = await readJson(req)
        if (body.app_metadata) u.app_metadata = { ...u.app_metadata, ...(body.app_metadata as Record<string, unknown>) }
        if (body.user_metadata) u.user_metadata = { ...u.user_metadata, ...(body.user_metadata as Record<string, unknown>) }
        return send(res, 200, userJson(u))
      }
      fail(res, 404, 'not_found', 'Not Found')
    } catch (error) {
      fail(res, 500, 'unexpected_failure', String(error))
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise(resolve => server.close(() => resolve())) }
}
