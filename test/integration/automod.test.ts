import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '#admin-shared/admin-schemas'
import type { AutomodDryRunMatch, AutomodRule } from '#shared/automod-schemas'
import type { AdminReport } from '#shared/moderation-schemas'
import type { ClientEventAck } from '#shared/events'
import type { Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, collect, logIn, must, send, sendOk, setupConversation, signUp, sleep, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

let admin: Session
const created: string[] = []
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})
// Rules are server-wide state: remove every one this file made, so no other suite meets them.
afterAll(async () => {
  for (const id of created) await api(admin.base, 'DELETE', `/api/admin/automod/rules/${id}`, { token: admin.token })
})

type RuleBody = { name: string, kind: AutomodRule['kind'], action: AutomodRule['action'], pattern?: string, config?: AutomodRule['config'], projectId?: string | null, enabled?: boolean }

async function createRule(body: RuleBody): Promise<AutomodRule> {
  const { rule } = must(await api<{ rule: AutomodRule }>(admin.base, 'POST', '/api/admin/automod/rules', { token: admin.token, body }), 'create rule')
  created.push(rule.id)
  return rule
}

const codeOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? 'ok' : reply.error.code
const errorOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? null : reply.error

async function contents(session: Session, conversationId: string): Promise<string[]> {
  const page = must(await api<{ messages: Message[] }>(session.base, 'GET', `/api/conversations/${conversationId}/messages?limit=100`, { token: session.token }), 'history')
  return page.messages.map(m => m.content)
}

/** The reports a rule opened, newest first, as the reports queue lists them. */
async function flagsOf(ruleId: string) {
  const { reports } = must(await api<{ reports: AdminReport[] }>(admin.base, 'GET', `/api/admin/reports?source=automod&ruleId=${ruleId}`, { token: admin.token }), 'flags')
  return reports.map(r => ({ reportId: r.id, messageId: r.message.id, ruleId: r.ruleId, reason: r.reason, description: r.description, status: r.status, content: r.message.content }))
}

/** A fresh project with Alice (owner) and Bob connected; rules are scoped to it so suites stay apart. */
const scene = () => aliceBobAndMallory()

describe('automod routes are for admins only', () => {
  it('answers 401 without a token and 403 FORBIDDEN to a member on every route', async () => {
    const member = await signUp('Member')
    const id = randomUUID()
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/automod/rules'],
      ['POST', '/api/admin/automod/rules', { name: 'x', kind: 'regex', pattern: 'x', action: 'block' }],
      ['PATCH', `/api/admin/automod/rules/${id}`, { enabled: false }],
      ['DELETE', `/api/admin/automod/rules/${id}`],
      ['POST', '/api/admin/automod/dry-run', { rule: { name: 'x', kind: 'regex', pattern: 'x', action: 'block' } }],
      ['GET', '/api/admin/reports?source=automod']
    ]
    for (const [method, path, body] of calls) {
      const anonymous = await api(member.base, method, path, { body })
      expect(anonymous.status, `${method} ${path} anonymous`).toBe(401)
      const res = await api(member.base, method, path, { token: member.token, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
    }
  })
})

describe('automod rules', () => {
  it('refuses an invalid regex at save with VALIDATION naming pattern, and a missing one too', async () => {
    for (const pattern of ['(unclosed', '(?<=x)y', undefined]) {
      const res = await api<{ error: { code: string, details: { fields: { field: string }[] } } }>(admin.base, 'POST', '/api/admin/automod/rules', {
        token: admin.token, body: { name: 'bad', kind: 'regex', action: 'block', ...(pattern === undefined ? {} : { pattern }) }
      })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('VALIDATION')
      expect(res.body.error.details.fields.map(f => f.field)).toContain('pattern')
    }
  })

  it('create, update and delete are listed and audited with before and after', async () => {
    const { projectId } = await setupConversation(await signUp('Owner'), [])
    const rule = await createRule({ name: `audit-${randomUUID().slice(0, 6)}`, kind: 'regex', pattern: 'zzz', action: 'flag', projectId })
    expect(rule).toMatchObject({ kind: 'regex', pattern: 'zzz', action: 'flag', projectId, enabled: true, projectName: expect.any(String) })
    const listed = must(await api<{ rules: AutomodRule[] }>(admin.base, 'GET', '/api/admin/automod/rules', { token: admin.token }), 'list').rules
    expect(listed.find(r => r.id === rule.id)?.name).toBe(rule.name)

    const { rule: patched } = must(await api<{ rule: AutomodRule }>(admin.base, 'PATCH', `/api/admin/automod/rules/${rule.id}`, { token: admin.token, body: { enabled: false, action: 'block' } }), 'patch')
    expect(patched).toMatchObject({ enabled: false, action: 'block', pattern: 'zzz' })
    const badPatch = await api(admin.base, 'PATCH', `/api/admin/automod/rules/${rule.id}`, { token: admin.token, body: { pattern: '(' } })
    expect(badPatch.status).toBe(400)
    const { rule: removed } = must(await api<{ rule: AutomodRule }>(admin.base, 'DELETE', `/api/admin/automod/rules/${rule.id}`, { token: admin.token }), 'delete')
    expect(removed.id).toBe(rule.id)
    expect((await api(admin.base, 'DELETE', `/api/admin/automod/rules/${rule.id}`, { token: admin.token })).status).toBe(404)

    const audit = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?targetId=${rule.id}`, { token: admin.token }), 'audit').entries
    const byAction = new Map(audit.map(e => [e.action, e]))
    expect(byAction.get('automod.rule.create')?.details).toMatchObject({ after: { name: rule.name, action: 'flag', enabled: true } })
    expect(byAction.get('automod.rule.update')?.details).toMatchObject({ before: { enabled: true, action: 'flag' }, after: { enabled: false, action: 'block' } })
    expect(byAction.get('automod.rule.delete')?.details).toMatchObject({ before: { name: rule.name } })
    expect(byAction.get('automod.rule.create')?.actor?.email).toBe('admin@example.com')
  })
})

describe('block', () => {
  it('refuses with CONTENT_BLOCKED naming the rule; nothing is stored, delivered or synced', async () => {
    const { alice, projectId, conversation, a, b } = await scene()
    await createRule({ name: 'No links to pastebin', kind: 'links', action: 'block', config: { denyDomains: ['pastebin.com'] }, projectId })
    const seen = collect<{ message: Message }>(a, 'message:new')
    const reply = await send(b, conversation.id, 'grab it at https://eu.pastebin.com/raw/abc')
    expect(errorOf(reply)).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'No links to pastebin', kind: 'links' } })
    expect(errorOf(reply)?.message).toContain('No links to pastebin')
    await sendOk(b, conversation.id, 'see https://example.com instead')
    await sleep(200)
    expect(seen.items.map(p => p.message.content)).toEqual(['see https://example.com instead'])
    expect(await contents(alice, conversation.id)).toEqual(['see https://example.com instead'])
    const sync = await ack<ClientEventAck<'sync:request'>>(a, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: 0 }] })
    expect(sync.ok && sync.results[0]!.messages.map(m => m.content)).toEqual(['see https://example.com instead'])
  })

  it('blocks each kind: profanity (with its allow list), regex, mentions, flood', async () => {
    const { alice, projectId, conversation, b } = await scene()
    await createRule({ name: 'Clean talk', kind: 'profanity', action: 'block', config: { words: ['frobnicate'], allowWords: ['frobnicated'] }, projectId })
    await createRule({ name: 'No tickets', kind: 'regex', pattern: 'ticket-\\d+', config: { caseInsensitive: true }, action: 'block', projectId })
    await createRule({ name: 'Few mentions', kind: 'mentions', action: 'block', config: { maxMentions: 2 }, projectId })
    await createRule({ name: 'No spam', kind: 'flood', action: 'block', config: { maxRepeats: 2, windowSeconds: 60 }, projectId })
    const blocked = async (text: string) => errorOf(await send(b, conversation.id, text))
    expect(await blocked('what the fuck')).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'Clean talk', kind: 'profanity' } })
    expect(await blocked('please frobnicate it')).toMatchObject({ details: { rule: 'Clean talk' } })
    expect(await blocked('it was frobnicated already, in Scunthorpe')).toBeNull()
    expect(await blocked('see TICKET-12')).toMatchObject({ details: { rule: 'No tickets', kind: 'regex' } })
    expect(await blocked(`@${alice.user.displayName} @here @channel look`)).toMatchObject({ details: { rule: 'Few mentions', kind: 'mentions' } })
    expect(await blocked(`@${alice.user.displayName} @here look`)).toBeNull()
    expect(await blocked('buy now')).toBeNull()
    expect(await blocked('Buy now')).toBeNull()
    expect(await blocked('BUY NOW')).toMatchObject({ details: { rule: 'No spam', kind: 'flood' } })
    expect(await contents(alice, conversation.id)).toEqual(['it was frobnicated already, in Scunthorpe', `@${alice.user.displayName} @here look`, 'buy now', 'Buy now'])
  })

  it('checks edits too: a blocked edit leaves the message as it was', async () => {
    const { alice, projectId, conversation, b } = await scene()
    await createRule({ name: 'No secrets', kind: 'regex', pattern: 'secret', action: 'block', projectId })
    const message = await sendOk(b, conversation.id, 'hello')
    const edit = await ack<ClientEventAck<'message:edit'>>(b, 'message:edit', { messageId: message.id, content: 'the secret is 42' })
    expect(edit.ok ? null : edit.error).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'No secrets', kind: 'regex' } })
    expect(await contents(alice, conversation.id)).toEqual(['hello'])
  })

  it('answers a catastrophic-backtracking pattern fast', async () => {
    const { projectId, conversation, b } = await scene()
    await createRule({ name: 'Backtracker', kind: 'regex', pattern: '(a+)+$', action: 'block', projectId })
    const started = Date.now()
    expect(codeOf(await send(b, conversation.id, `${'a'.repeat(3000)}!`))).toBe('ok')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(codeOf(await send(b, conversation.id, 'aaaa'))).toBe('CONTENT_BLOCKED')
  })

  it('applies a rule to its project only; a rule without a project to every project; admins are exempt', async () => {
    const { projectId, conversation, b, bob } = await scene()
    const other = await setupConversation(bob, [], 'elsewhere')
    const token = `tok${randomUUID().slice(0, 8)}`
    await createRule({ name: 'Scoped', kind: 'regex', pattern: `${token}-scoped`, action: 'block', projectId })
    expect(codeOf(await send(b, conversation.id, `${token}-scoped`))).toBe('CONTENT_BLOCKED')
    expect(codeOf(await send(b, other.conversation.id, `${token}-scoped`))).toBe('ok')
    const everywhere = await createRule({ name: 'Everywhere', kind: 'regex', pattern: `${token}-global`, action: 'block', projectId: null })
    expect(codeOf(await send(b, other.conversation.id, `${token}-global`))).toBe('CONTENT_BLOCKED')
    // The admin joins the conversation and says the banned word: exempt.
    must(await api(admin.base, 'POST', `/api/admin/conversations/${conversation.id}/participants`, { token: admin.token, body: { userId: admin.user.id, role: 'member' } }), 'join')
    const adminSent = await api<{ message: Message }>(admin.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: admin.token, body: { clientId: randomUUID(), content: `${token}-global` } })
    expect(adminSent.status).toBeLessThan(300)
    must(await api(admin.base, 'DELETE', `/api/admin/automod/rules/${everywhere.id}`, { token: admin.token }), 'delete')
    expect(codeOf(await send(b, other.conversation.id, `${token}-global`))).toBe('ok')
  })
})

describe('flag', () => {
  it('stores and delivers the message and queues an automod report naming the rule; edits are flagged too', async () => {
    const { alice, projectId, conversation, a, b } = await scene()
    const rule = await createRule({ name: 'Watch invoices', kind: 'regex', pattern: 'invoice', action: 'flag', projectId })
    const delivered = collect<{ message: Message }>(a, 'message:new')
    const message = await sendOk(b, conversation.id, 'here is the invoice')
    await sleep(200)
    expect(delivered.items.map(p => p.message.id)).toEqual([message.id])
    expect(await contents(alice, conversation.id)).toEqual(['here is the invoice'])
    const [flag] = await flagsOf(rule.id)
    expect(flag).toMatchObject({ messageId: message.id, ruleId: rule.id, reason: 'automod', status: 'pending', content: 'here is the invoice' })
    expect(flag!.description).toContain('Watch invoices')
    expect(flag!.description).toContain('invoice')

    const clean = await sendOk(b, conversation.id, 'thanks')
    await ack(b, 'message:edit', { messageId: clean.id, content: 'thanks for the invoice' })
    expect((await flagsOf(rule.id)).map(f => f.messageId)).toEqual([clean.id, message.id])
  })

  it('block beats flag when several rules match', async () => {
    const { projectId, conversation, b } = await scene()
    const flag = await createRule({ name: 'Flag cats', kind: 'regex', pattern: 'cat', action: 'flag', projectId })
    await createRule({ name: 'Block cats', kind: 'profanity', action: 'block', config: { words: ['cat'] }, projectId })
    expect(errorOf(await send(b, conversation.id, 'a cat'))).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'Block cats' } })
    expect(await flagsOf(flag.id)).toEqual([])
  })
})

describe('mute', () => {
  it('refuses with MUTED and mutes the sender in that project for the rule\'s duration, with the reason', async () => {
    const { bob, projectId, conversation, b } = await scene()
    const other = await setupConversation(bob, [], 'elsewhere')
    await createRule({ name: 'Flooding', kind: 'flood', action: 'mute', config: { maxMessages: 2, windowSeconds: 60, muteMinutes: 5 }, projectId })
    expect(codeOf(await send(b, conversation.id, 'one'))).toBe('ok')
    expect(codeOf(await send(b, conversation.id, 'two'))).toBe('ok')
    const third = errorOf(await send(b, conversation.id, 'three'))
    expect(third).toMatchObject({ code: 'MUTED', details: { reason: 'automod: Flooding', until: expect.any(String) } })
    const until = new Date(String(third!.details!.until)).getTime()
    expect(until - Date.now()).toBeGreaterThan(4 * 60_000)
    expect(until - Date.now()).toBeLessThanOrEqual(5 * 60_000)
    const later = errorOf(await send(b, conversation.id, 'a calm message'))
    expect(later).toMatchObject({ code: 'MUTED', details: { reason: 'automod: Flooding', until: expect.any(String) } })
    // The mute is the project's: the sender's own other project is untouched.
    expect(codeOf(await send(b, other.conversation.id, 'still here'))).toBe('ok')
    // No person decided it, and it is on record all the same.
    const { entries } = must(await api<{ entries: (AuditEntry & { actorLabel: string | null })[] }>(admin.base, 'GET', `/api/admin/audit?action=user.mute&targetId=${bob.user.id}`, { token: admin.token }), 'audit')
    expect(entries[0]).toMatchObject({ actor: null, actorLabel: 'system:automod', details: { rule: 'Flooding', after: { projectId, reason: 'automod: Flooding' } } })
  })
})

describe('dry-run', () => {
  it('shows what an unsaved rule would have matched in the project, and changes nothing', async () => {
    const { alice, projectId, conversation, b } = await scene()
    const hit = await sendOk(b, conversation.id, 'grab pastebin.com/abc')
    await sendOk(b, conversation.id, 'nothing here')
    const rules = must(await api<{ rules: AutomodRule[] }>(admin.base, 'GET', '/api/admin/automod/rules', { token: admin.token }), 'list').rules.length
    const res = must(await api<{ matches: AutomodDryRunMatch[] }>(admin.base, 'POST', '/api/admin/automod/dry-run', {
      token: admin.token, body: { rule: { name: 'Try', kind: 'links', action: 'mute', config: { denyDomains: ['pastebin.com'] } }, projectId }
    }), 'dry-run')
    expect(res.matches.map(m => [m.message.id, m.outcome])).toEqual([[hit.id, 'mute']])
    expect(res.matches[0]!.matched).toBe('link: pastebin.com')
    const flood = must(await api<{ matches: AutomodDryRunMatch[] }>(admin.base, 'POST', '/api/admin/automod/dry-run', {
      token: admin.token, body: { rule: { name: 'Try', kind: 'flood', action: 'flag', config: { maxMessages: 1, windowSeconds: 600 } }, projectId, limit: 10 }
    }), 'dry-run flood')
    expect(flood.matches.map(m => m.message.content)).toEqual(['nothing here'])
    // Nothing changed: no rule saved, Bob not muted, no report.
    expect(must(await api<{ rules: AutomodRule[] }>(admin.base, 'GET', '/api/admin/automod/rules', { token: admin.token }), 'list').rules.length).toBe(rules)
    expect(codeOf(await send(b, conversation.id, 'pastebin.com again'))).toBe('ok')
    expect(await contents(alice, conversation.id)).toHaveLength(3)
    const invalid = await api(admin.base, 'POST', '/api/admin/automod/dry-run', { token: admin.token, body: { rule: { name: 'x', kind: 'regex', pattern: '(', action: 'block' }, limit: 5000 } })
    expect(invalid.status).toBe(400)
  })
})

/** One rule of each kind with a text that trips it and only it (flood trips on the second copy). */
const EVERY_KIND: { kind: AutomodRule['kind'], config?: AutomodRule['config'], pattern?: string, trigger: (mention: string) => string[] }[] = [
  { kind: 'profanity', trigger: () => ['well shit'] },
  { kind: 'regex', pattern: 'order-\\d{4}', trigger: () => ['order-1234 is late'] },
  { kind: 'flood', config: { maxRepeats: 1, windowSeconds: 60 }, trigger: () => ['same again', 'same again'] },
  { kind: 'mentions', config: { maxMentions: 1 }, trigger: mention => [`${mention} @here look`] },
  { kind: 'links', config: { allowDomains: ['example.com'] }, trigger: () => ['try https://elsewhere.test/x'] }
]

describe('every kind with every outcome', () => {
  it('flag: each kind stores the message and queues a report for that rule', async () => {
    for (const { kind, config, pattern, trigger } of EVERY_KIND) {
      const { alice, projectId, conversation, b } = await scene()
      const rule = await createRule({ name: `Flag ${kind}`, kind, action: 'flag', ...(config ? { config } : {}), ...(pattern ? { pattern } : {}), projectId })
      const texts = trigger(`@${alice.user.displayName}`)
      const sent: Message[] = []
      for (const text of texts) sent.push(await sendOk(b, conversation.id, text))
      expect(await contents(alice, conversation.id), kind).toEqual(texts)
      expect((await flagsOf(rule.id)).map(f => f.messageId), kind).toEqual([sent.at(-1)!.id])
      closeAllSockets()
    }
  })

  it('mute: each kind refuses with MUTED and the sender stays muted in that project', async () => {
    for (const { kind, config, pattern, trigger } of EVERY_KIND) {
      const { alice, projectId, conversation, b } = await scene()
      await createRule({ name: `Mute ${kind}`, kind, action: 'mute', ...(config ? { config } : {}), ...(pattern ? { pattern } : {}), projectId })
      const texts = trigger(`@${alice.user.displayName}`)
      for (const text of texts.slice(0, -1)) await sendOk(b, conversation.id, text)
      expect(errorOf(await send(b, conversation.id, texts.at(-1)!)), kind).toMatchObject({ code: 'MUTED', details: { reason: `automod: Mute ${kind}`, until: expect.any(String) } })
      expect(errorOf(await send(b, conversation.id, 'hello?')), kind).toMatchObject({ code: 'MUTED', details: { until: expect.any(String) } })
      expect(await contents(alice, conversation.id), kind).toEqual(texts.slice(0, -1))
      closeAllSockets()
    }
  })
})
