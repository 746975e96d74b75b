import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { importJWK, decodeProtectedHeader, decodeJwt, SignJWT, type JWTPayload } from 'jose'
import { io, type Socket } from 'socket.io-client'
import postgres from 'postgres'
import { accessClaims, mintEs256, mintHs256, newSigningKey } from './support/keys'

/**
 * The chat server in Supabase mode against Supabase Auth behind an /auth/v1 gateway
 * (real GoTrue when scripts/gotrue-up.sh finds one, else the stand-in — see env.authMode).
 */
const env = inject('supabase')
let db: postgres.Sql
let signingKey: { kid: string, privateKey: CryptoKey }

beforeAll(async () => {
  db = postgres(env.appDatabaseUrl, { max: 2, onnotice: () => {} })
  signingKey = { kid: String(env.signingJwk.kid), privateKey: await importJWK({ ...env.signingJwk, key_ops: undefined, use: undefined } as never, 'ES256') as CryptoKey }
})
afterAll(async () => { await db?.end({ timeout: 5 }) })

const sockets: Socket[] = []
afterEach(() => { for (const s of sockets.splice(0)) s.close() })

async function auth<T = Record<string, unknown>>(path: string, init: { method?: string, body?: unknown, key?: string, bearer?: string } = {}): Promise<{ status: number, body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'apikey': init.key ?? env.anonKey }
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`
  const res = await fetch(`${env.supabaseUrl}/auth/v1${path}`, { method: init.method ?? 'POST', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
  return { status: res.status, body: await res.json() as T }
}
async function api(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(env.serverUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> }
}
interface Session { access_token: string, user: { id: string, email: string } }
const email = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.test`

async function signUpAndIn(name: string, password = 'correct-horse-9') {
  const address = email(name)
  const up = await auth<Session>('/signup', { body: { email: address, password, data: { display_name: name } } })
  expect(up.status, JSON.stringify(up.body)).toBe(200)
  const signIn = await auth<Session>('/token?grant_type=password', { body: { email: address, password } })
  expect(signIn.status, JSON.stringify(signIn.body)).toBe(200)
  return { email: address, id: signIn.body.user.id, token: signIn.body.access_token }
}

function connect(token: string | undefined): Promise<Socket> {
  const socket = io(env.serverUrl, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true })
  sockets.push(socket)
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', err => reject(err))
  })
}
const connectError = (token: string | undefined) => connect(token).then(() => 'connected', (err: Error) => err.message)

describe(`Supabase Auth through the gateway (${env.authMode})`, () => {
  it('serves the JWKS under /auth/v1/.well-known/jwks.json without an api key', async () => {
    const res = await fetch(`${env.supabaseUrl}/auth/v1/.well-known/jwks.json`)
    expect(res.status).toBe(200)
    const { keys } = await res.json() as { keys: Array<Record<string, unknown>> }
    expect(keys.map(k => k.kid)).toContain(env.signingJwk.kid)
    expect(keys.every(k => k.d === undefined)).toBe(true) // public halves only
  })

  it('the gateway wants an api key for everything else', async () => {
    const res = await fetch(`${env.supabaseUrl}/auth/v1/token?grant_type=password`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(401)
  })

  it('signs up and in with email + password, issuing an ES256 token shaped like Supabase\'s', async () => {
    const { token, id, email: address } = await signUpAndIn('ada')
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: env.signingJwk.kid })
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ sub: id, email: address, role: 'authenticated', aud: 'authenticated', iss: env.issuer, aal: 'aal1', is_anonymous: false })
    expect(typeof claims.session_id).toBe('string')
    const wrong = await auth('/token?grant_type=password', { body: { email: address, password: 'wrong-password' } })
    expect(wrong.status).toBe(400)
  })
})

describe('the chat server in Supabase mode', () => {
  it('reports Supabase auth in /api/config', async () => {
    const { status, body } = await api('GET', '/api/config')
    expect(status).toBe(200)
    expect(body).toMatchObject({ auth: 'supabase', supabaseUrl: env.supabaseUrl, supabaseAnonKey: env.anonKey })
  })

  it('GET /api/me with a GoTrue access token creates the profile on first sight (role member)', async () => {
    const u = await signUpAndIn('grace')
    expect(await db`select 1 from profiles where id = ${u.id}`).toHaveLength(0)
    const me = await api('GET', '/api/me', u.token)
    expect(me.status, JSON.stringify(me.body)).toBe(200)
    expect(me.body.user).toMatchObject({ id: u.id, email: u.email, displayName: 'grace', role: 'member' })
    const again = await api('GET', '/api/me', u.token)
    expect(again.body.user.id).toBe(u.id)
    expect(await db`select role from profiles where id = ${u.id}`).toEqual([{ role: 'member' }])
  })

  it('app_metadata.role = admin set through the admin API (service role) makes an admin', async () => {
    const address = email('root')
    const up = await auth<Session>('/signup', { body: { email: address, password: 'correct-horse-9' } })
    expect(up.status).toBe(200)
    const promoted = await auth(`/admin/users/${up.body.user.id}`, { method: 'PUT', key: env.serviceRoleKey, bearer: env.serviceRoleKey, body: { app_metadata: { role: 'admin' } } })
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200)
    // A user may not do it for themselves.
    const self = await auth(`/admin/users/${up.body.user.id}`, { method: 'PUT', bearer: up.body.access_token, body: { app_metadata: { role: 'admin' } } })
    expect(self.status).toBe(403)
    const signIn = await auth<Session>('/token?grant_type=password', { body: { email: address, password: 'correct-horse-9' } })
    expect(decodeJwt(signIn.body.access_token).app_metadata).toMatchObject({ role: 'admin' })
    const me = await api('GET', '/api/me', signIn.body.access_token)
    expect(me.body.user).toMatchObject({ role: 'admin', displayName: address.split('@')[0] })
  })

  it('a user_metadata role claim grants nothing', async () => {
    const u = await signUpAndIn('eve')
    const token = await mintEs256(signingKey, accessClaims({ id: u.id, email: u.email, user_metadata: { role: 'admin' } }), { issuer: env.issuer })
    expect((await api('GET', '/api/me', token)).body.user.role).toBe('member')
  })

  it('follows app_metadata.role on every token: an existing member is promoted, then demoted', async () => {
    const u = await signUpAndIn('grace')
    expect((await api('GET', '/api/me', u.token)).body.user.role).toBe('member')
    const asAdmin = await mintEs256(signingKey, accessClaims({ id: u.id, email: u.email, app_metadata: { role: 'admin' } }), { issuer: env.issuer })
    expect((await api('GET', '/api/me', asAdmin)).body.user.role).toBe('admin')
    expect(await db`select role from profiles where id = ${u.id}`).toEqual([{ role: 'admin' }])
    const asMember = await mintEs256(signingKey, accessClaims({ id: u.id, email: u.email }), { issuer: env.issuer })
    expect((await api('GET', '/api/me', asMember)).body.user.role).toBe('member')
  })

  it('lets a re-created account with the email of a deleted one in', async () => {
    const address = email('phoenix')
    const first = await mintEs256(signingKey, accessClaims({ id: randomUUID(), email: address }), { issuer: env.issuer })
    expect((await api('GET', '/api/me', first)).status).toBe(200)
    const secondId = randomUUID()
    const second = await mintEs256(signingKey, accessClaims({ id: secondId, email: address }), { issuer: env.issuer })
    const me = await api('GET', '/api/me', second)
    expect(me.status, JSON.stringify(me.body)).toBe(200)
    expect(me.body.user).toMatchObject({ id: secondId, email: address })
  })

  it('refuses anonymous Supabase sessions', async () => {
    const token = await mintEs256(signingKey, { ...accessClaims({ id: randomUUID(), email: '' }), is_anonymous: true }, { issuer: env.issuer })
    expect((await api('GET', '/api/me', token)).status).toBe(401)
    expect(await connectError(token)).toBe('UNAUTHENTICATED')
  })

  it('the Socket.IO handshake accepts the GoTrue token', async () => {
    const u = await signUpAndIn('linus')
    const socket = await connect(u.token)
    expect(socket.connected).toBe(true)
  })

  it('a GoTrue user works end to end: project, conversation, send over the socket, and RLS lets them read it', async () => {
    const u = await signUpAndIn('margaret')
    const project = await api('POST', '/api/projects', u.token, { name: 'apollo' })
    expect(project.status, JSON.stringify(project.body)).toBe(200)
    const conv = await api('POST', `/api/projects/${project.body.project.id}/conversations`, u.token, { title: 'guidance', type: 'group', participantIds: [] })
    expect(conv.status, JSON.stringify(conv.body)).toBe(200)
    const socket = await connect(u.token)
    const ack = await socket.timeout(10000).emitWithAck('message:send', { clientId: randomUUID(), conversationId: conv.body.conversation.id, content: 'go for launch' })
    expect(ack.ok, JSON.stringify(ack)).toBe(true)
    // The same row through the Data API's eyes: the sender reads it, another user does not.
    const other = await signUpAndIn('intruder')
    const read = (sub: string) => db.begin(async (tx) => {
      await tx.unsafe('set local role authenticated')
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub, role: 'authenticated' })}, true)`
      return tx`select content from messages where conversation_id = ${conv.body.conversation.id}`
    })
    expect((await read(u.id)).map(r => r.content)).toEqual(['go for launch'])
    expect(await read(other.id)).toHaveLength(0)
  })

  it('accepts a legacy HS256 token signed with SUPABASE_JWT_SECRET', async () => {
    const id = randomUUID()
    const token = await mintHs256(env.jwtSecret, accessClaims({ id, email: `${id}@example.test` }), { issuer: env.issuer })
    expect((await api('GET', '/api/me', token)).body.user).toMatchObject({ id, role: 'member' })
  })

  describe('refuses bad tokens with UNAUTHENTICATED (REST 401 and socket connect_error)', () => {
    const claims = () => accessClaims({ id: randomUUID(), email: 'x@example.test' })
    const cases: Array<[string, () => Promise<string | undefined>]> = [
      ['no token', async () => undefined],
      ['garbage', async () => 'not-a-jwt'],
      ['signed by another key with the same kid', async () => { const k = await newSigningKey(); return mintEs256({ kid: String(env.signingJwk.kid), privateKey: k.privateKey }, claims(), { issuer: env.issuer }) }],
      ['signed by another key with an unknown kid', async () => mintEs256(await newSigningKey(), claims(), { issuer: env.issuer })],
      ['wrong issuer', async () => mintEs256(signingKey, claims(), { issuer: 'https://evil.example/auth/v1' })],
      ['wrong audience', async () => mintEs256(signingKey, claims(), { issuer: env.issuer, claims: { aud: 'anon' } })],
      ['expired', async () => mintEs256(signingKey, claims(), { issuer: env.issuer, expiresIn: -60 })],
      ['role anon', async () => mintEs256(signingKey, claims(), { issuer: env.issuer, claims: { role: 'anon' } })],
      ['the anon key', async () => env.anonKey],
      ['the service role key', async () => env.serviceRoleKey],
      ['HS256 with another secret', async () => mintHs256('not-the-secret-but-long-enough-32b', claims(), { issuer: env.issuer })],
      ['alg none', async () => {
        const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
        return `${b({ alg: 'none', typ: 'JWT' })}.${b({ ...claims(), iss: env.issuer, exp: Math.floor(Date.now() / 1000) + 3600 })}.`
      }],
      ['HS256 signed with the public JWK as secret (alg confusion)', async () => new SignJWT({ ...claims() } as JWTPayload)
        .setProtectedHeader({ alg: 'HS256', kid: String(env.signingJwk.kid) }).setIssuer(env.issuer).setExpirationTime('1h')
        .sign(new TextEncoder().encode(JSON.stringify({ kty: env.signingJwk.kty, crv: env.signingJwk.crv, x: env.signingJwk.x, y: env.signingJwk.y })))]
    ]
    for (const [name, make] of cases) {
      it(name, async () => {
        const token = await make()
        const me = await api('GET', '/api/me', token)
        expect(me.status).toBe(401)
        expect(me.body.error?.code).toBe('UNAUTHENTICATED')
        expect(await connectError(token)).toBe('UNAUTHENTICATED')
      })
    }
  })

  it('local sign-in endpoints answer 404 in Supabase mode', async () => {
    const signup = await api('POST', '/api/auth/local/signup', undefined, { email: email('local'), password: 'secret-password', displayName: 'local' })
    expect(signup.status).toBe(404)
    expect(signup.body.error?.code).toBe('NOT_FOUND')
    const login = await api('POST', '/api/auth/local/login', undefined, { email: 'alice@example.test', password: 'password' })
    expect(login.status).toBe(404)
  })

  it('a socket whose token expires is told so and disconnected', async () => {
    const u = await signUpAndIn('cinderella')
    const token = await mintEs256(signingKey, accessClaims({ id: u.id, email: u.email }), { issuer: env.issuer, expiresIn: 3 })
    const socket = await connect(token)
    const started = Date.now()
    const expired = new Promise<unknown>(resolve => socket.once('session:expired', resolve))
    const reason = await new Promise<string>(resolve => socket.once('disconnect', resolve))
    expect(await expired).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(reason).toBe('io server disconnect')
    expect(Date.now() - started).toBeLessThan(6000)
    // ...and cannot come back with the same token.
    expect(await connectError(token)).toBe('UNAUTHENTICATED')
  })
})
