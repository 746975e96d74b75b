import { afterAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import type { User } from '#shared/types'
import { api, baseUrl, closeAllSockets, connect, logIn, sendOk, setupConversation, signUp } from '../support/helpers'

describe('local sign-in', () => {
  it('signs up, signs in and returns the user from /api/me', async () => {
    const session = await signUp('Dana')
    expect(session.user).toMatchObject({ displayName: 'Dana', role: 'member', avatarUrl: null })
    const again = await logIn(session.user.email, 'secret-password')
    expect(again.user.id).toBe(session.user.id)
    const me = await api<{ user: User }>(baseUrl(), 'GET', '/api/me', { token: again.token })
    expect(me.body.user).toEqual(session.user)
  })

  it('issues tokens with the claim shape of a Supabase access token', async () => {
    const session = await signUp('Erin')
    const claims = decodeJwt(session.token)
    expect(claims).toMatchObject({ sub: session.user.id, email: session.user.email, role: 'authenticated', aud: 'authenticated' })
    expect(typeof claims.exp).toBe('number')
  })

  it('answers a wrong password and an unknown email alike', async () => {
    const session = await signUp('Finn')
    const wrong = await api(baseUrl(), 'POST', '/api/auth/local/login', { body: { email: session.user.email, password: 'nope-nope' } })
    const unknown = await api(baseUrl(), 'POST', '/api/auth/local/login', { body: { email: 'nobody@test.local', password: 'nope-nope' } })
    expect(wrong.status).toBe(401)
    expect(unknown.body).toEqual(wrong.body)
  })

  it('refuses a second account with the same email', async () => {
    const session = await signUp('Gus')
    const dup = await api(baseUrl(), 'POST', '/api/auth/local/signup', { body: { email: session.user.email.toUpperCase(), password: 'another-pass', displayName: 'Gus 2' } })
    expect(dup.status).toBe(409)
    expect(dup.body.error?.code).toBe('CONFLICT')
  })

  it('names the invalid fields on sign-up', async () => {
    const res = await api(baseUrl(), 'POST', '/api/auth/local/signup', { body: { email: 'not-an-email', password: 'short', displayName: '' } })
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('VALIDATION')
    const fields = (res.body.error?.details?.fields as { field: string }[]).map(f => f.field).sort()
    expect(fields).toEqual(['displayName', 'email', 'password'])
  })

  it('has the seeded demo users', async () => {
    const admin = await logIn('admin@example.com')
    expect(admin.user.role).toBe('admin')
    const alice = await logIn('alice@example.com')
    const projects = await api<{ projects: { name: string }[] }>(baseUrl(), 'GET', '/api/projects', { token: alice.token })
    expect(projects.body.projects.map(p => p.name)).toContain('Demo')
  })
})

describe('operations endpoints', () => {
  afterAll(() => closeAllSockets())

  it('reports health and Prometheus metrics', async () => {
    const health = await api<{ status: string, db: { status: string } }>(baseUrl(), 'GET', '/api/health')
    expect(health.body.status).toBe('ok')
    expect(health.body.db.status).toBe('ok')
    // One message first: a send's latencies are what the histograms below describe.
    const [owner, other] = await Promise.all([signUp('Metrics Owner'), signUp('Metrics Other')])
    const { conversation } = await setupConversation(owner, [other])
    await sendOk(await connect(owner), conversation.id, 'measured')
    const metrics = await (await fetch(`${baseUrl()}/metrics`)).text()
    expect(metrics).toContain('chat_sockets_connected')
    expect(metrics).toContain('chat_messages_persisted_total')
    expect(metrics).toContain('chat_send_ack_seconds_bucket')
    expect(metrics).toContain('chat_send_emit_seconds_bucket')
    expect(metrics).toContain('chat_group_commit_queue')
    expect(metrics).toContain('nodejs_eventloop_lag_p99_seconds')
  })
})
