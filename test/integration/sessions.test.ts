import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import type { AuditEntry } from '#admin-shared/admin-schemas'
import { startInstance, type Instance } from '../support/instance.mjs'
import { api, authPost, baseUrl, closeAllSockets, connect, disconnected, handshakeError, instanceOnce, logIn, meStatus, refresh, send, setupConversation, signUp, sleep, TEST_PASSWORD, until, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

/** The other instance when the suite runs two (the postgres-redis project), else the same one. */
const otherBase = () => baseUrl(1)

describe('sign-in hands out a short-lived access token and a refresh cookie', () => {
  it('sets an httpOnly, same-site, auth-path refresh cookie and keeps the contract body', async () => {
    const res = await authPost(baseUrl(), '/api/auth/local/signup', { body: { email: `c-${randomUUID()}@test.local`, password: 'secret-password', displayName: 'Cookie' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ accessToken: expect.any(String), user: { displayName: 'Cookie' }, expiresAt: expect.any(String) })
    expect(JSON.stringify(res.body)).not.toContain(res.cookie!)
    const attrs = res.setCookie!.split(';').map(a => a.trim().toLowerCase())
    expect(attrs).toContain('httponly')
    expect(attrs).toContain('samesite=strict')
    expect(attrs).toContain('path=/api/auth')
    // Plain http here: a Secure cookie would never come back.
    expect(attrs).not.toContain('secure')

    const claims = decodeJwt(res.body.accessToken!)
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900)
    expect(claims.session_id).toEqual(expect.any(String))
    expect(new Date(res.body.expiresAt!).getTime()).toBe(claims.exp! * 1000)
  })
})

describe('refresh tokens rotate, and a replayed one ends the session', () => {
  it('rotates: a new access token and cookie, the old cookie spent', async () => {
    const session = await signUp('Rotor')
    const next = await refresh(baseUrl(), session.cookie)
    expect(next.status).toBe(200)
    expect(next.body.user?.id).toBe(session.user.id)
    expect(next.cookie).toBeTruthy()
    expect(next.cookie).not.toBe(session.cookie)
    expect(decodeJwt(next.body.accessToken!).session_id).toBe(decodeJwt(session.token).session_id)
    expect(await meStatus(baseUrl(), next.body.accessToken!)).toBe(200)
    // And again from the new cookie, on the other instance.
    const third = await refresh(otherBase(), next.cookie!)
    expect(third.status).toBe(200)
  })

  it('a replayed (already rotated) refresh token is refused and kills the whole family', async () => {
    const victim = await signUp('Replayed')
    const stolen = victim.cookie
    const legit = await refresh(baseUrl(), victim.cookie)
    expect(legit.status).toBe(200)

    // The attacker replays the copy they took before the rotation.
    const replay = await refresh(otherBase(), stolen)
    expect(replay.status).toBe(401)
    expect(replay.body.error?.code).toBe('UNAUTHENTICATED')
    expect(replay.body.accessToken).toBeUndefined()

    // The family's newest token is dead too, and so are its access tokens, on every instance.
    const newest = await refresh(baseUrl(), legit.cookie!)
    expect(newest.status).toBe(401)
    await until(async () => (await meStatus(otherBase(), legit.body.accessToken!)) === 401, 5000, 'rotated access token refused', 100)
    expect(await meStatus(baseUrl(), victim.token)).toBe(401)
  })

  it('refuses a missing, forged or cleared refresh cookie', async () => {
    for (const cookie of [undefined, '', randomUUID(), 'x'.repeat(43)]) {
      const res = await authPost(baseUrl(), '/api/auth/refresh', { cookie })
      expect(res.status, String(cookie)).toBe(401)
      expect(res.body.error?.code).toBe('UNAUTHENTICATED')
    }
  })
})

describe('sign-out revokes the session', () => {
  it('refuses the refresh cookie and the access token afterwards and drops the live socket', async () => {
    const session = await signUp('Leaver')
    const elsewhere = await logIn(session.user.email, TEST_PASSWORD)
    const socket = await connect({ ...session, base: otherBase() })
    const otherDevice = await connect(elsewhere)
    const dropped = disconnected(socket)

    const out = await authPost(baseUrl(), '/api/auth/logout', { cookie: session.cookie })
    expect(out.status).toBe(200)
    expect(out.cookie).toBe('')
    expect(await dropped).toBe('io server disconnect')

    expect((await refresh(baseUrl(), session.cookie)).status).toBe(401)
    expect(await meStatus(baseUrl(), session.token)).toBe(401)
    await until(async () => (await meStatus(otherBase(), session.token)) === 401, 5000, 'access token refused on the other instance', 100)
    await until(async () => (await handshakeError(otherBase(), session.token)) === 'UNAUTHENTICATED', 5000, 'socket handshake refused', 100)

    // Signing out one device leaves the member's other session alone.
    await sleep(300)
    expect(otherDevice.connected).toBe(true)
    expect(await meStatus(baseUrl(), elsewhere.token)).toBe(200)
    expect((await refresh(baseUrl(), elsewhere.cookie)).status).toBe(200)
  })

  it('with scope "global" ends every session of the member', async () => {
    const one = await signUp('Everywhere')
    const two = await logIn(one.user.email, TEST_PASSWORD)
    const socket = await connect(two)
    const dropped = disconnected(socket)
    expect((await authPost(baseUrl(), '/api/auth/logout', { cookie: one.cookie, body: { scope: 'global' } })).status).toBe(200)
    await dropped
    expect((await refresh(baseUrl(), two.cookie)).status).toBe(401)
    expect(await meStatus(baseUrl(), two.token)).toBe(401)
  })

  it('can sign out with the bearer token alone (clients without cookies)', async () => {
    const session = await signUp('Bearer')
    expect((await authPost(baseUrl(), '/api/auth/logout', { token: session.token })).status).toBe(200)
    expect(await meStatus(baseUrl(), session.token)).toBe(401)
    expect((await refresh(baseUrl(), session.cookie)).status).toBe(401)
  })
})

// Booting while the tests before it run.
const shortTokenServer = instanceOnce(() => startInstance({ pgliteTemplate: true, env: { LOCAL_TOKEN_TTL_SECONDS: '2', TRUST_PROXY_HOPS: '1' } }), { early: true })

describe('a server with a 2 s token lifetime behind one trusted proxy', () => {
  let server: Instance
  beforeAll(async () => {
    server = await shortTokenServer()
  })

  it('marks the cookie Secure behind a TLS-terminating proxy it trusts', async () => {
    const res = await fetch(`${server.url}/api/auth/local/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'password' })
    })
    expect(res.status).toBe(200)
    const cookie = res.headers.getSetCookie().find(c => c.startsWith('chat_refresh='))!
    expect(cookie.toLowerCase()).toContain('secure')
  })

  it('an expired token gets 401 and connect_error UNAUTHENTICATED, a live socket is dropped, and refresh recovers', async () => {
    const session = await logIn('bob@example.com', 'password', server.url)
    expect(await meStatus(server.url, session.token)).toBe(200)
    const socket = await connect(session)
    const dropped = disconnected(socket, 6000)
    // Refused from its `exp` second on (it lives 1 to 2 s, as `iat` is a whole second).
    await sleep(decodeJwt(session.token).exp! * 1000 + 100 - Date.now())
    expect(await meStatus(server.url, session.token)).toBe(401)
    expect(await handshakeError(server.url, session.token)).toBe('UNAUTHENTICATED')
    await dropped

    const renewed = await refresh(server.url, session.cookie)
    expect(renewed.status).toBe(200)
    expect(await meStatus(server.url, renewed.body.accessToken!)).toBe(200)
    expect(await handshakeError(server.url, renewed.body.accessToken!)).toBe('')
  })
})

describe('admin ban', () => {
  let admin: Session
  beforeAll(async () => {
    admin = await logIn('admin@example.com')
  })

  it('ends every session and socket of the user, on every instance; they cannot sign back in or send', async () => {
    const owner = await signUp('Owner')
    const troll = await signUp('Troll')
    const { conversation } = await setupConversation(owner, [troll])
    const socket = await connect({ ...troll, base: otherBase() })
    expect((await send(socket, conversation.id, 'before the ban')).ok).toBe(true)
    const dropped = disconnected(socket)

    const banned = await api<{ user: { id: string, banned: boolean } }>(baseUrl(), 'POST', `/api/admin/users/${troll.user.id}/ban`, { token: admin.token, body: { reason: 'spam' } })
    expect(banned.status).toBe(200)
    expect(banned.body.user).toMatchObject({ id: troll.user.id, email: troll.user.email, banned: true })
    expect(await dropped).toBe('io server disconnect')

    await until(async () => (await meStatus(otherBase(), troll.token)) === 401, 5000, 'banned access token refused', 100)
    const post = await api(baseUrl(), 'POST', `/api/conversations/${conversation.id}/messages`, { token: troll.token, body: { clientId: randomUUID(), content: 'after the ban' } })
    expect(post.status).toBe(401)
    expect(await handshakeError(otherBase(), troll.token)).toBe('UNAUTHENTICATED')
    expect((await refresh(baseUrl(), troll.cookie)).status).toBe(401)

    const again = await authPost(baseUrl(), '/api/auth/local/login', { body: { email: troll.user.email, password: 'secret-password' } })
    expect(again.status).toBe(403)
    expect(again.body.error?.code).toBe('FORBIDDEN')
    expect(again.body.accessToken).toBeUndefined()
    expect(again.cookie).toBeUndefined()

    const history = await api<{ messages: { content: string }[] }>(baseUrl(), 'GET', `/api/conversations/${conversation.id}/messages`, { token: owner.token })
    expect(history.body.messages.map(m => m.content)).toEqual(['before the ban'])

    const audit = await api<{ entries: AuditEntry[] }>(baseUrl(), 'GET', `/api/admin/audit?action=user.ban&targetId=${troll.user.id}`, { token: admin.token })
    expect(audit.body.entries).toHaveLength(1)
    expect(audit.body.entries[0]).toMatchObject({ action: 'user.ban', details: { reason: 'spam' }, subject: { id: troll.user.id } })

    // Lifting the ban lets them sign in again (a new session), and it is audited too.
    const lifted = await api<{ user: { banned: boolean } }>(baseUrl(), 'DELETE', `/api/admin/users/${troll.user.id}/ban`, { token: admin.token })
    expect(lifted.status).toBe(200)
    expect(lifted.body.user.banned).toBe(false)
    const back = await logIn(troll.user.email, TEST_PASSWORD)
    const socketAgain = await connect(back)
    expect((await send(socketAgain, conversation.id, 'after the ban was lifted')).ok).toBe(true)
    const unbanAudit = await api<{ entries: AuditEntry[] }>(baseUrl(), 'GET', `/api/admin/audit?action=user.unban&targetId=${troll.user.id}`, { token: admin.token })
    expect(unbanAudit.body.entries).toHaveLength(1)
  })

  it('is for admins only: a member gets FORBIDDEN and the target keeps their session', async () => {
    const member = await signUp('Sneaky')
    const target = await signUp('Target')
    const socket = await connect(target)
    for (const method of ['POST', 'DELETE']) {
      const res = await api(baseUrl(), method, `/api/admin/users/${target.user.id}/ban`, { token: member.token, body: method === 'POST' ? { reason: 'nope' } : undefined })
      expect(res.status, method).toBe(403)
      expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
    }
    const anonymous = await api(baseUrl(), 'POST', `/api/admin/users/${target.user.id}/ban`, { body: {} })
    expect(anonymous.status).toBe(401)
    await sleep(300)
    expect(socket.connected).toBe(true)
    expect(await meStatus(baseUrl(), target.token)).toBe(200)
    expect((await authPost(baseUrl(), '/api/auth/local/login', { body: { email: target.user.email, password: 'secret-password' } })).status).toBe(200)
  })

  it('validates the target and the body', async () => {
    const res = await api(baseUrl(), 'POST', '/api/admin/users/not-a-uuid/ban', { token: admin.token, body: {} })
    expect(res.status).toBe(400)
    const missing = await api(baseUrl(), 'POST', `/api/admin/users/${randomUUID()}/ban`, { token: admin.token, body: {} })
    expect(missing.status).toBe(404)
    const self = await api(baseUrl(), 'POST', `/api/admin/users/${admin.user.id}/ban`, { token: admin.token, body: {} })
    expect(self.status).toBe(400)
  })
})
