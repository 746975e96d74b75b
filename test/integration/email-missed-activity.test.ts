import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Conversation, User } from '#shared/types'
import { freePort, startInstance, SUITE_AUTH_LIMITS, type Instance } from '../support/instance.mjs'
import { api, closeAllSockets, connect, must, sendOk, setupConversation, signUp, sleep } from '../support/helpers'
import { linksOf, startSmtpSink, type ParsedMail, type SmtpSink } from './email-helpers'

// EMAIL_NOTIFY_DELAY_SECONDS=2: a batch goes out about 4 s after its first notification (the delay
// plus a gathering window as long as the delay), so "nothing came" is checked after 6 s.
const QUIET_MS = 6000

describe('missed-activity emails', () => {
  let smtp: SmtpSink
  let server: Instance
  let origin: string

  beforeAll(async () => {
    smtp = await startSmtpSink()
    const port = await freePort()
    origin = `http://127.0.0.1:${port}`
    server = await startInstance({ name: 'email-activity', port, env: { ...SUITE_AUTH_LIMITS, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, EMAIL_NOTIFY_DELAY_SECONDS: '2', PUBLIC_URL: origin } })
  })
  afterAll(async () => {
    await server?.stop()
    await smtp?.close()
  })
  afterEach(() => closeAllSockets())

  /** Alice (online) and an offline Bob and Carol sharing a group conversation. */
  async function scene() {
    const alice = await signUp('Alice', server.url)
    const bob = await signUp('Bob', server.url)
    const carol = await signUp('Carol', server.url)
    const { conversation, projectId } = await setupConversation(alice, [bob, carol])
    return { alice, bob, carol, conversation, projectId, a: await connect(alice) }
  }

  const unsubscribeLinkOf = (mail: ParsedMail) => /^<([^>]+)>$/.exec(mail.headers.get('list-unsubscribe') ?? '')?.[1]

  it('batches two mentions and a direct message into one email, in text and HTML, with one-click unsubscribe', async () => {
    const { alice, bob, carol, conversation, a } = await scene()
    const first = await sendOk(a, conversation.id, '@Bob first question <b>bold</b>')
    const second = await sendOk(a, conversation.id, 'and @Bob a second one')
    const { conversation: dm } = must(await api<{ conversation: Conversation }>(server.url, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } }), 'dm')
    const direct = await sendOk(a, dm.id, 'lunch tomorrow?')

    const [mail] = await smtp.waitFor(bob.user.email)
    await sleep(QUIET_MS)
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
    must(await api(server.url, 'POST', `/api/conversations/${conversation.id}/read`, { token: bob.token, body: { seq: message.seq } }), 'read')
    await sleep(QUIET_MS)
    expect(smtp.to(bob.user.email)).toEqual([])
  })

  it('sends nothing to a member whose email notifications are "none", and thread replies only to "all"', async () => {
    const { bob, carol, conversation, a } = await scene()
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
    // Their "last seen" lands within 2 s of the disconnect; the reply comes after it.
    await sleep(2500)
    const reply = await a.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content: 'a reply for you both', threadRootId: root.id })
    expect(reply.ok).toBe(true)
    await sendOk(a, conversation.id, '@Bob @Carol a mention too')
    const [mail] = await smtp.waitFor(carol.user.email)
    await sleep(QUIET_MS)
    expect(smtp.to(bob.user.email)).toEqual([])
    expect(smtp.to(carol.user.email)).toHaveLength(1)
    expect(mail!.text).toContain('Alice replied in a thread in team')
    expect(mail!.text).toContain('Alice mentioned you in team')
  })

  it('sends nothing to a member online right now, nor about a thread reply read in its thread', async () => {
    const { bob, carol, conversation, a } = await scene()
    must(await api<{ user: User }>(server.url, 'PATCH', '/api/me', { token: carol.token, body: { emailNotifications: 'all' } }), 'email all')
    const root = await sendOk(a, conversation.id, 'a thread')
    const c = await connect(carol)
    expect((await c.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content: 'carol in thread', threadRootId: root.id })).ok).toBe(true)
    c.close()
    await sleep(2500)

    await connect(bob)
    await sendOk(a, conversation.id, 'you are here, @Bob')
    const reply = await a.timeout(10_000).emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: conversation.id, content: 'a reply for Carol', threadRootId: root.id })
    expect(reply.ok).toBe(true)
    // Carol reads the thread (not the conversation's timeline) before the delay is over.
    must(await api(server.url, 'POST', `/api/threads/${root.id}/read`, { token: carol.token, body: {} }), 'read thread')
    await sleep(QUIET_MS)
    expect(smtp.to(bob.user.email)).toEqual([])
    expect(smtp.to(carol.user.email)).toEqual([])
  })

  it('unsubscribes through the one-click POST; afterwards no more emails', async () => {
    const { bob, carol, conversation, a } = await scene()
    await sendOk(a, conversation.id, 'ping @Bob')
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
    const carolLink = await (async () => {
      await sendOk(a, conversation.id, 'ping @Carol')
      return unsubscribeLinkOf((await smtp.waitFor(carol.user.email))[0]!)!
    })()
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
    await sleep(QUIET_MS)
    expect(smtp.to(bob.user.email)).toHaveLength(1)
  })

  it('tells nothing of a project to a member banned from it', async () => {
    const { bob, conversation, projectId, a } = await scene()
    await sendOk(a, conversation.id, '@Bob secret plans')
    const admin = must(await api<{ accessToken: string }>(server.url, 'POST', '/api/auth/local/login', { body: { email: 'admin@example.com', password: 'password' } }), 'admin login')
    must(await api(server.url, 'POST', `/api/admin/users/${bob.user.id}/ban`, { token: admin.accessToken, body: { projectId, reason: 'abuse' } }), 'project ban')
    await sleep(QUIET_MS)
    expect(smtp.to(bob.user.email)).toEqual([])
  })
})
