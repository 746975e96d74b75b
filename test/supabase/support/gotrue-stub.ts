import { randomUUID, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { importJWK, jwtVerify } from 'jose'
import { accessClaims, mintEs256, type SigningKey } from './keys'

/**
 * A stand-in for Supabase Auth (GoTrue) when its binary cannot be built here: the same routes at
 * the root (/signup, /token?grant_type=password, /user, /admin/users/:id, /.well-known/jwks.json),
 * the same response and claim shapes (from supabase/auth internal/api and internal/tokens), and
 * ES256 access tokens with a `kid` that the JWKS publishes. Users live in memory, autoconfirmed.
 */
export interface GoTrueStubOptions { issuer: string, key: SigningKey, jwtSecret: string, jwtExp?: number }

interface StoredUser { id: string, email: string, password: string, app_metadata: Record<string, unknown>, user_metadata: Record<string, unknown>, created_at: string }

export async function startGoTrueStub(opts: GoTrueStubOptions): Promise<{ url: string, server: Server, close: () => Promise<void> }> {
  const users = new Map<string, StoredUser>()
  const exp = opts.jwtExp ?? 3600
  const publicKey = await importJWK(opts.key.publicJwk, 'ES256')

  const userJson = (u: StoredUser) => ({
    id: u.id, aud: 'authenticated', role: 'authenticated', email: u.email, email_confirmed_at: u.created_at, phone: '',
    confirmed_at: u.created_at, last_sign_in_at: new Date().toISOString(), app_metadata: { provider: 'email', providers: ['email'], ...u.app_metadata },
    user_metadata: { email: u.email, email_verified: true, phone_verified: false, sub: u.id, ...u.user_metadata },
    identities: [], created_at: u.created_at, updated_at: u.created_at, is_anonymous: false
  })
  const session = async (u: StoredUser) => {
    const access_token = await mintEs256(opts.key, accessClaims({ id: u.id, email: u.email, app_metadata: u.app_metadata, user_metadata: u.user_metadata }), { issuer: opts.issuer, expiresIn: exp })
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
  const bearer = (req: IncomingMessage) => (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://stub')
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
        res.setHeader('cache-control', 'public, max-age=600')
        return send(res, 200, { keys: [opts.key.publicJwk] })
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
        try {
          const { payload } = await jwtVerify(bearer(req), publicKey, { issuer: opts.issuer, audience: 'authenticated' })
          const u = [...users.values()].find(x => x.id === payload.sub)
          return u ? send(res, 200, userJson(u)) : fail(res, 404, 'user_not_found', 'User not found')
        } catch {
          return fail(res, 403, 'bad_jwt', 'invalid JWT')
        }
      }
      const admin = url.pathname.match(/^\/admin\/users\/([0-9a-f-]{36})$/)
      if (admin && req.method === 'PUT') {
        try {
          const { payload } = await jwtVerify(bearer(req), new TextEncoder().encode(opts.jwtSecret), { algorithms: ['HS256'] })
          if (payload.role !== 'service_role' && payload.role !== 'supabase_admin') throw new Error('not admin')
        } catch {
          return fail(res, 403, 'not_admin', 'User not allowed')
        }
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
