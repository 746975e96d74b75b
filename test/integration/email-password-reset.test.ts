import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startInstance, SUITE_AUTH_LIMITS, type Instance } from '../support/instance.mjs'
import { authPost, closeAllSockets, connect, disconnected, instanceOnce, logIn, meStatus, signUp, sleep, until, TEST_PASSWORD } from '../support/helpers'
import { linksOf, parseMail, startSmtpSink, type ParsedMail, type SmtpSink } from './email-helpers'

const NEW_PASSWORD = 'a-brand-new-password'

/** The token of the reset link in a password reset email (checking the link's shape on the way). */
function resetTokenOf(mail: ParsedMail, origin: string): string {
  const link = linksOf(mail).find(l => l.startsWith(`${origin}/reset?token=`))
  if (!link) throw new Error(`no reset link in: ${mail.text}`)
  expect(mail.html).toContain(link.replace(/&/g, '&amp;'))
  return new URL(link).searchParams.get('token')!
}

// The second describe's server (no SMTP_URL) and its data dir: it boots while the first describe's tests run.
let outboxDir = ''
const outboxServer = instanceOnce(async () => {
  outboxDir = mkdtempSync(join(tmpdir(), 'chat-email-outbox-'))
  // A short link lifetime to see one expire, and a small per-IP budget to see it refuse.
  return startInstance({ name: 'email-outbox', pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, DATA_DIR: outboxDir, AUTH_RESET_TTL_SECONDS: '1', AUTH_RESET_REQUESTS_PER_IP: '3' } })
})

describe('password reset by email (SMTP)', () => {
  let smtp: SmtpSink
  let server: Instance
  let origin: string

  beforeAll(async () => {
    smtp = await startSmtpSink()
    const port = await freePort()
    origin = `http://127.0.0.1:${port}`
    server = await startInstance({ name: 'email-reset', port, pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Chat <chat@example.test>', PUBLIC_URL: origin } })
    outboxServer().catch(() => {})
  })
  afterAll(async () => {
    await server?.stop()
    await smtp?.close()
  })
  afterEach(() => closeAllSockets())

  it('resets once through the emailed link, ends every session and drops their sockets', async () => {
    const victim = await signUp('Vera', server.url)
    const other = await logIn(victim.user.email, TEST_PASSWORD, server.url)
    const socket = await connect(victim)
    const dropped = disconnected(socket, 10_000)

    const asked = await authPost(server.url, '/api/auth/local/forgot', { body: { email: victim.user.email.toUpperCase() } })
    expect({ status: asked.status, body: asked.body }).toEqual({ status: 200, body: { ok: true } })
    const [mail] = await smtp.waitFor(victim.user.email)
    expect(mail!.headers.get('from')).toContain('chat@example.test')
    expect(mail!.subject).toMatch(/reset/i)
    const token = resetTokenOf(mail!, origin)

    // The password policy of sign-up applies, and a refused password does not spend the link.
    const weak = await authPost(server.url, '/api/auth/local/reset', { body: { token, password: 'short' } })
    expect(weak.status).toBe(400)
    expect(JSON.stringify(weak.body)).toContain('password')

    const reset = await authPost(server.url, '/api/auth/local/reset', { body: { token, password: NEW_PASSWORD } })
    expect({ status: reset.status, body: reset.body }).toEqual({ status: 200, body: { ok: true } })
    expect(await dropped).toBeTruthy()
    expect(await meStatus(server.url, victim.token)).toBe(401)
    expect(await meStatus(server.url, other.token)).toBe(401)
    expect((await authPost(server.url, '/api/auth/refresh', { cookie: victim.cookie })).status).toBe(401)

    expect((await authPost(server.url, '/api/auth/local/login', { body: { email: victim.user.email, password: TEST_PASSWORD } })).status).toBe(401)
    const fresh = await logIn(victim.user.email, NEW_PASSWORD, server.url)
    expect(await meStatus(server.url, fresh.token)).toBe(200)

    const again = await authPost(server.url, '/api/auth/local/reset', { body: { token, password: 'yet-another-password' } })
    expect(again.status).toBe(400)
    expect((again.body as { error: { code: string } }).error.code).toBe('VALIDATION')
    expect(await meStatus(server.url, fresh.token)).toBe(200)
  })

  it('answers an unknown address exactly like a known one, and emails nobody', async () => {
    const known = await signUp('Kim', server.url)
    const unknownEmail = `nobody-${Date.now()}@test.local`
    const before = smtp.mails.length
    const a = await authPost(server.url, '/api/auth/local/forgot', { body: { email: known.user.email } })
    const b = await authPost(server.url, '/api/auth/local/forgot', { body: { email: unknownEmail } })
    expect({ status: b.status, body: b.body }).toEqual({ status: a.status, body: a.body })
    await smtp.waitFor(known.user.email)
    await sleep(1000)
    expect(smtp.to(unknownEmail)).toEqual([])
    expect(smtp.mails.length).toBe(before + 1)
  })

  it('sends at most 3 reset emails per address per hour; the 4th request answers alike and sends nothing', async () => {
    const user = await signUp('Rita', server.url)
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await authPost(server.url, '/api/auth/local/forgot', { body: { email: user.user.email } }))
    expect(answers.map(a => [a.status, a.body])).toEqual(Array(4).fill([200, { ok: true }]))
    await smtp.waitFor(user.user.email, 3)
    await sleep(1500)
    expect(smtp.to(user.user.email)).toHaveLength(3)
    // Each email carries its own link; the last one still works.
    const tokens = smtp.to(user.user.email).map(m => resetTokenOf(m, origin))
    expect(new Set(tokens).size).toBe(3)
    expect((await authPost(server.url, '/api/auth/local/reset', { body: { token: tokens[2], password: NEW_PASSWORD } })).status).toBe(200)
    // Using one link spends the others.
    expect((await authPost(server.url, '/api/auth/local/reset', { body: { token: tokens[0], password: NEW_PASSWORD } })).status).toBe(400)
  })

  it('refuses made-up and malformed tokens', async () => {
    for (const token of ['x'.repeat(43), '', 'a.b.c']) {
      const res = await authPost(server.url, '/api/auth/local/reset', { body: { token, password: NEW_PASSWORD } })
      expect(res.status).toBe(400)
    }
    expect((await authPost(server.url, '/api/auth/local/forgot', { body: { email: 'not-an-email' } })).status).toBe(400)
  })
})

describe('password reset without SMTP_URL (embedded outbox)', () => {
  let server: Instance
  let dataDir: string

  beforeAll(async () => {
    server = await outboxServer()
    dataDir = outboxDir
  })
  afterAll(async () => {
    await server?.stop()
    if (outboxDir) rmSync(outboxDir, { recursive: true, force: true })
  })

  it('writes the email as an .eml file under DATA_DIR/mail; its link expires', async () => {
    const user = await signUp('Otto', server.url)
    expect((await authPost(server.url, '/api/auth/local/forgot', { body: { email: user.user.email } })).status).toBe(200)
    const outbox = join(dataDir, 'mail')
    await until(() => existsSync(outbox) && readdirSync(outbox).some(f => f.endsWith('.eml')), 10_000, 'an .eml file')
    const files = readdirSync(outbox)
    expect(files.filter(f => !f.endsWith('.eml'))).toEqual([])
    const mail = parseMail(readFileSync(join(outbox, files[0]!), 'utf8'))
    expect(mail.to).toContain(user.user.email)
    // Without PUBLIC_URL the link points at this server on localhost.
    const token = resetTokenOf(mail, new URL(linksOf(mail)[0]!).origin)
    await sleep(1500)
    const expired = await authPost(server.url, '/api/auth/local/reset', { body: { token, password: NEW_PASSWORD } })
    expect(expired.status).toBe(400)
    expect(await meStatus(server.url, user.token)).toBe(200)
  })

  it('refuses an IP over its hourly budget of requests', async () => {
    // The first test used one of the 3.
    const email = `someone-${Date.now()}@test.local`
    expect((await authPost(server.url, '/api/auth/local/forgot', { body: { email } })).status).toBe(200)
    expect((await authPost(server.url, '/api/auth/local/forgot', { body: { email } })).status).toBe(200)
    const refused = await authPost(server.url, '/api/auth/local/forgot', { body: { email } })
    expect(refused.status).toBe(429)
    expect((refused.body as { error: { code: string } }).error.code).toBe('RATE_LIMITED')
  })
})
