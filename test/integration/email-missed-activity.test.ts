import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PresenceEntry } from '#shared/presence-schemas'
import type { Conversation, User } from '#shared/types'
import { freePort, startInstance, SUITE_AUTH_LIMITS, type Instance } from '../support/instance.mjs'
import { api, closeAllSockets, connect, must, sendOk, setupConversation, signUp, sleep, until, type Session } from '../support/helpers'
import { linksOf, startSmtpSink, type ParsedMail, type SmtpSink } from './email-helpers'

// EMAIL_NOTIFY_DELAY_SECONDS=2: a batch goes out about 4 s after its first notification (the delay
// plus a gathering window as long as the delay), so "nothing came" is checked 6 s after the last
// notification that could start or join a batch.
const QUIET_MS = 6000

/** Waits until QUIET_MS have passed since `since` (taken once the last message that notifies was sent). */
const quietSince = (since: number) => sleep(Math.max(0, since + QUIET_MS - Date.now()))

// Each test has people of its own and waits mostly on the server's email timer: they run side by side.
describe.concurrent('missed-activity emails', () => {
  let smtp: SmtpSink
  let server: Instance
  let origin: string

  beforeAll(async () => {
    smtp = await startSmtpSink()
    const port = await freePort()
    origin = `http://127.0.0.1:${port}`
    server = await startInstance({ name: 'email-activity', port, pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_NOTIFY_DELAY_SECONDS: '2', PUBLIC_URL: origin } })
  })
  afterAll(async () => {
    // Not after each test: the tests run at once, and a member online until the end is part of one.
    closeAllSockets()
    await server?.stop()
    await smtp?.close()
  })

  /** Alice (online) and an offline Bob and Carol sharing a group conversation. */
  async function scene() {
    const alice = await signUp('Alice', server.url)
    const bob = await signUp('Bob', server.url)
    const carol = await signUp('Carol', server.url)
    const { conversation, projectId } = await setupConversation(alice, [bob, carol])
    return { alice, bob, carol, conversation, projectId, a: await connect(alice) }
  }

  const unsubscribeLinkOf = (mail: ParsedMail) => /^<([^>]+)>$/.exec(mail.headers.get('list-unsubscribe') ?? '')?.[1]

  /** Waits until `viewer` sees each of `users` offline with a "last seen" stored (written as their last socket closes). */
  const lastSeenStored = (viewer: Session, users: Session[]) => until(async () => {
    const { presence } = must(await api<{ presence: PresenceEntry[] }>(server.url, 'GET', `/api/presence?userIds=${users.map(u => u.user.id).join(',')}`, { token: viewer.token }), 'presence')
    return users.every(u => presence.some(p => p.userId === u.user.id && p.status === 'offline' && p.lastSeenAt !== null))
  }, 10_000, 'the last seen of those who left', 50)

  it('batches two mentions and a direct message into one email, in text and HTML, with one-click unsubscribe', async () => {
    const { alice, bob, carol, conversation, a } = await scene()
    const first = await sendOk(a, conversation.id, '@Bob first question <b>bold</b>')
    const second = await sendOk(a, conversation.id, 'and @Bob a second one')
    const { conversation: dm } = must(await api<{ conversation: Conversation }>(server.url, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } }), 'dm')
    const direct = await sendOk(a, dm.id, 'lunch tomorrow?')
    const lastSent = Date.now()

    const [mail] = await smtp.waitFor(bob.user.email)
    await quietSince(lastSent)
    expect(smtp.to(bob.user.email)).toHaveLength(1)
    expect(smtp.to(carol.user.email)).toEqual([])

    expect(mail!.subject).toMatch(/3 messages/)
    const expected = [
      `${origin}/c/${conversation.id}#m-${first.seq}`,
      `${origin}/c/${conversation.id}#m-${second.seq}`,
      `${origin}/c/${dm.id}#m-${direct.seq}`
    ]
    for (const link of expected) {
      expect(linksOf(mail!)).toContain(link)
      expect(mail!.html).toContain(`href="${link}"`)
    }
    expect(mail!.text).toContain('@Bob first question <b>bold</b>')
    expect(mail!.text).toContain('lunch tomorrow?')
    // Message text is escaped in the HTML part.
    expect(mail!.html).toContain('&lt;b&gt;bold&lt;/b&gt;')
    expect(mail!.html).not.toContain('<b>bold</b>')
    expect(mail!.text).toContain('Alice mentioned you in team')
    expect(mail!.text).toContain('Alice sent you a direct message')

    const unsubscribe = unsubscribeLinkOf(mail!)
    expect(unsubscribe).toMatch(new RegExp(`^${origin}/api/email/unsubscribe\\?token=`))
    expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
    expect(mail!.text).toContain(unsubscribe)
  })

  it('sends nothing about a message read in time', async () => {
    const { bob, conversation, a } = await scene()
    const message = await sendOk(a, conversation.id, '@Bob are you there?')
    const lastSent = Date.now()
    must(await api(server.url, 'POST', `/api/conversations/${conversation.id}/read`, { token: bob.token, body: { seq: message.seq } }), 'read')
    await quietSince(lastSent)
    expect(smtp.to(bob.user.email)).toEqual([])
  })

  it('sends nothing to a member whose email notifications are "none", and thread replies only to "all"', async () => {
    const { alice, bob, carol, conversation, a } = await scene()
    must(await api<{ user: User }>(server.url, 'PATCH', '/api/me', { token: bob.token, body: { emailNotifications: 'none' } }), 'email off')
    must(await api<{ user: User }>(server.url, 'PATCH', '/api/me', { token: carol.token, body: { emailNotifications: 'all' } }), 'email all')
    // Carol and Bob both wrote in Alice's thread: a reply there concerns them both.
    const root = await sendOk(a, conversation.id, 'a thread')
    const [b, c] = await Promise.all([connect(bob), connect(carol)])
    for (const [socket, content] of [[b, 'bob in thread'], [c, 'carol in thread']] as const) {
      const reply = await socket.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content, threadRootId: root.id })
      expect(reply.ok).toBe(true)
    }
    b.close()
    c.close()
    // Their "last seen" is stored a moment after the disconnect; the reply comes after it.
    await lastSeenStored(alice, [bob, carol])
    const reply = await a.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content: 'a reply for you both', threadRootId: root.id })
    expect(reply.ok).toBe(true)
    await sendOk(a, conversation.id, '@Bob @Carol a mention too')
    const lastSent = Date.now()
    const [mail] = await smtp.waitFor(carol.user.email)
    await quietSince(lastSent)
    expect(smtp.to(bob.user.email)).toEqual([])
    expect(smtp.to(carol.user.email)).toHaveLength(1)
    expect(mail!.text).toContain('Alice replied in a thread in team')
    expect(mail!.text).toContain('Alice mentioned you in team')
  })

  it('sends nothing to a member online right now, nor about a thread reply read in its thread', async () => {
    const { alice, bob, carol, conversation, a } = await scene()
    must(await api<{ user: User }>(server.url, 'PATCH', '/api/me', { token: carol.token, body: { emailNotifications: 'all' } }), 'email all')
    const root = await sendOk(a, conversation.id, 'a thread')
    const c = await connect(carol)
    expect((await c.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content: 'carol in thread', threadRootId: root.id })).ok).toBe(true)
    c.close()
    await lastSeenStored(alice, [carol])

    await connect(bob)
    await sendOk(a, conversation.id, 'you are here, @Bob')
    const reply = await a.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content: 'a reply for Carol', threadRootId: root.id })
    expect(reply.ok).toBe(true)
    const lastSent = Date.now()
    // Carol reads the thread (not the conversation's timeline) before the delay is over.
    must(await api(server.url, 'POST', `/api/threads/${root.id}/read`, { token: carol.token, body: {} }), 'read thread')
    await quietSince(lastSent)
    expect(smtp.to(bob.user.email)).toEqual([])
    expect(smtp.to(carol.user.email)).toEqual([])
  })

  it('unsubscribes through the one-click POST; afterwards no more emails', async () => {
    const { bob, carol, conversation, a } = await scene()
    await sendOk(a, conversation.id, 'ping @Bob')
    // Carol's link is needed below: her email is on its way meanwhile.
    await sendOk(a, conversation.id, 'ping @Carol')
    const [mail] = await smtp.waitFor(bob.user.email)
    const link = unsubscribeLinkOf(mail!)!
    const path = link.slice(origin.length)

    // A GET only shows a confirmation page.
    const page = await fetch(server.url + path)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('<form method="post">')
    expect((await api<{ user: User }>(server.url, 'GET', '/api/me', { token: bob.token })).body.user.emailNotifications).toBe('mentions')

    // Someone else's token with Bob's id, or a changed signature, does nothing.
    const carolLink = unsubscribeLinkOf((await smtp.waitFor(carol.user.email))[0]!)!
    const carolToken = new URL(carolLink).searchParams.get('token')!
    const forged = `${bob.user.id}.${carolToken.split('.')[1]}`
    for (const token of [forged, `${bob.user.id}.`, 'garbage']) {
      const res = await fetch(`${server.url}/api/email/unsubscribe?token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
      expect(res.status).toBe(400)
      expect((await fetch(`${server.url}/api/email/unsubscribe?token=${encodeURIComponent(token)}`)).status).toBe(400)
    }
    expect((await api<{ user: User }>(server.url, 'GET', '/api/me', { token: bob.token })).body.user.emailNotifications).toBe('mentions')
    expect((await api<{ user: User }>(server.url, 'GET', '/api/me', { token: carol.token })).body.user.emailNotifications).toBe('mentions')

    const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    expect((await api<{ user: User }>(server.url, 'GET', '/api/me', { token: bob.token })).body.user.emailNotifications).toBe('none')

    await sendOk(a, conversation.id, 'still there @Bob?')
    await quietSince(Date.now())
    expect(smtp.to(bob.user.email)).toHaveLength(1)
  })

  it('tells nothing of a project to a member banned from it', async () => {
    const { bob, conversation, projectId, a } = await scene()
    await sendOk(a, conversation.id, '@Bob secret plans')
    const lastSent = Date.now()
    const admin = must(await api<{ accessToken: string }>(server.url, 'POST', '/api/auth/local/login', { body: { email: 'admin@example.com', password: 'password' } }), 'admin login')
    must(await api(server.url, 'POST', `/api/admin/users/${bob.user.id}/ban`, { token: admin.accessToken, body: { projectId, reason: 'abuse' } }), 'project ban')
    await quietSince(lastSent)
    expect(smtp.to(bob.user.email)).toEqual([])
  })
})
