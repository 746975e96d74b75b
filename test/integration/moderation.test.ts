import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '#admin-shared/admin-schemas'
import type { MessageDeletedPayload, SyncResult } from '#shared/events'
import type { AdminReport, AdminReportDetail, Escalation, EscalationRule, ModerationNotice, Sanction } from '#shared/moderation-schemas'
import type { Conversation, Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, collect, connect, logIn, must, nextEvent, send, sendOk, setupConversation, signUp, sleep, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

type ReportsBody = { reports: AdminReport[], total: number }
type ActionBody = { report: AdminReportDetail, escalation: Escalation | null }

const asAdmin = <T>(method: string, path: string, body?: unknown) => api<T>(admin.base, method, path, { token: admin.token, body })

async function report(reporter: Session, messageId: string, reason = 'spam', description?: string): Promise<string> {
  const { report } = must(await api<{ report: { id: string } }>(reporter.base, 'POST', `/api/messages/${messageId}/report`, { token: reporter.token, body: { reason, description } }), 'report')
  return report.id
}

async function act(reportId: string, body: Record<string, unknown>): Promise<ActionBody> {
  return must(await asAdmin<ActionBody>('POST', `/api/admin/reports/${reportId}/actions`, body), `action ${JSON.stringify(body)}`)
}

async function auditOf(action: string, targetId: string): Promise<AuditEntry[]> {
  return must(await asAdmin<{ entries: AuditEntry[] }>('GET', `/api/admin/audit?action=${action}&targetId=${targetId}`), 'audit').entries
}

/** A sender (alice) with a message reported by bob, both connected. */
async function reported(content = `buy now ${randomUUID().slice(0, 6)}`) {
  const setup = await aliceBobAndMallory()
  const message = await sendOk(setup.a, setup.conversation.id, content)
  const reportId = await report(setup.bob, message.id, 'spam', 'ads')
  return { ...setup, message, reportId }
}

describe('moderation routes are for admins only', () => {
  it('answers 403 to a member and 401 without a token on every moderation route', async () => {
    const { bob, alice, message, reportId, projectId } = await reported()
    const ruleId = randomUUID()
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/reports'],
      ['GET', '/api/admin/reports?status=pending'],
      ['GET', '/api/admin/reports/pending-count'],
      ['GET', `/api/admin/reports/${reportId}`],
      ['PATCH', `/api/admin/reports/${reportId}`, { status: 'reviewed' }],
      ['POST', `/api/admin/reports/${reportId}/actions`, { action: 'dismissed' }],
      ['DELETE', `/api/admin/messages/${message.id}`],
      ['POST', `/api/admin/messages/${message.id}/restore`],
      ['POST', `/api/admin/users/${alice.user.id}/mute`, { reason: 'x', durationMinutes: 60 }],
      ['DELETE', `/api/admin/users/${alice.user.id}/mute`],
      ['POST', `/api/admin/users/${alice.user.id}/warn`, { reason: 'x' }],
      ['POST', `/api/admin/users/${alice.user.id}/ban`, { projectId }],
      ['DELETE', `/api/admin/users/${alice.user.id}/ban?projectId=${projectId}`],
      ['GET', '/api/admin/escalation-rules'],
      ['POST', '/api/admin/escalation-rules', { threshold: 1, windowDays: 1, action: 'mute' }],
      ['PATCH', `/api/admin/escalation-rules/${ruleId}`, { enabled: false }],
      ['DELETE', `/api/admin/escalation-rules/${ruleId}`]
    ]
    for (const [method, path, body] of calls) {
      const member = await api(bob.base, method, path, { token: bob.token, body })
      expect(member.status, `member ${method} ${path}`).toBe(403)
      expect(member.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
      const anonymous = await api(bob.base, method, path, { body })
      expect(anonymous.status, `anonymous ${method} ${path}`).toBe(401)
      expect(anonymous.body.error).toMatchObject({ code: 'UNAUTHENTICATED' })
    }
    // Nothing happened: the report waits, the message is there, alice can still send.
    const detail = must(await asAdmin<{ report: AdminReportDetail }>('GET', `/api/admin/reports/${reportId}`), 'detail').report
    expect(detail).toMatchObject({ status: 'pending', action: null, message: { deletedAt: null } })
    expect(detail.senderRecord.sanctions).toEqual([])
  })
})

describe('reports queue', () => {
  it('lists a member report with its message, names and counts, and filters it', async () => {
    const { alice, bob, mallory, message, reportId, conversation, projectId } = await reported('spam spam spam')
    // A second member of the conversation reports the same message.
    must(await api(alice.base, 'POST', `/api/projects/${projectId}/members`, { token: alice.token, body: { email: mallory.user.email, role: 'member' } }), 'add mallory')
    must(await api(alice.base, 'POST', `/api/admin/conversations/${conversation.id}/participants`, { token: admin.token, body: { userId: mallory.user.id, role: 'member' } }), 'mallory joins')
    await report(mallory, message.id, 'harassment')

    const pending = must(await asAdmin<ReportsBody>('GET', `/api/admin/reports?status=pending&conversationId=${conversation.id}`), 'list')
    expect(pending.total).toBe(2)
    const row = pending.reports.find(r => r.id === reportId)!
    expect(row).toMatchObject({
      status: 'pending', source: 'member', reason: 'spam', description: 'ads', action: null, resolution: null,
      reporter: { id: bob.user.id, displayName: 'Bob' }, sender: { id: alice.user.id, displayName: 'Alice' },
      conversation: { id: conversation.id, title: conversation.title }, project: { id: projectId, name: `p-${conversation.title}` },
      message: { id: message.id, seq: message.seq, content: 'spam spam spam', deletedAt: null }, messageReportCount: 2
    })
    // The legacy status name and the other filters.
    const legacy = must(await asAdmin<ReportsBody>('GET', `/api/admin/reports?status=open&projectId=${projectId}`), 'legacy')
    expect(legacy.reports.map(r => r.id)).toContain(reportId)
    expect(must(await asAdmin<ReportsBody>('GET', `/api/admin/reports?source=automod&projectId=${projectId}`), 'automod').total).toBe(0)
    expect(must(await asAdmin<ReportsBody>('GET', `/api/admin/reports?status=resolved&projectId=${projectId}`), 'resolved').total).toBe(0)
    const paged = must(await asAdmin<ReportsBody>('GET', `/api/admin/reports?projectId=${projectId}&limit=1&offset=1`), 'page')
    expect(paged).toMatchObject({ total: 2 })
    expect(paged.reports).toHaveLength(1)
    expect((await asAdmin('GET', '/api/admin/reports?status=bogus')).status).toBe(400)
    const count = must(await asAdmin<{ pending: number }>('GET', '/api/admin/reports/pending-count'), 'count')
    expect(count.pending).toBeGreaterThanOrEqual(2)
  })

  it('goes pending → reviewed → resolved with a resolution, each step audited', async () => {
    const { reportId } = await reported()
    const reviewed = must(await asAdmin<{ report: AdminReport }>('PATCH', `/api/admin/reports/${reportId}`, { status: 'reviewed' }), 'review')
    expect(reviewed.report).toMatchObject({ id: reportId, status: 'reviewed', reviewedAt: expect.any(String), resolvedAt: null })
    const resolved = must(await asAdmin<{ report: AdminReport }>('PATCH', `/api/admin/reports/${reportId}`, { status: 'resolved', resolution: 'talked to them' }), 'resolve')
    expect(resolved.report).toMatchObject({ status: 'resolved', resolution: 'talked to them', resolvedAt: expect.any(String) })
    const inQueue = must(await asAdmin<ReportsBody>('GET', '/api/admin/reports?status=resolved&limit=100'), 'resolved list')
    expect(inQueue.reports.find(r => r.id === reportId)).toMatchObject({ status: 'resolved', resolution: 'talked to them' })
    expect((await asAdmin('PATCH', `/api/admin/reports/${reportId}`, { status: 'closed' })).status).toBe(400)
    expect((await asAdmin('PATCH', `/api/admin/reports/${randomUUID()}`, { status: 'reviewed' })).status).toBe(404)

    const entries = await auditOf('report.update', reportId)
    expect(entries.map(e => e.details.after)).toEqual([
      { status: 'resolved', action: null, resolution: 'talked to them' },
      { status: 'reviewed', action: null, resolution: null }
    ])
    expect(entries[1]!.details.before).toEqual({ status: 'pending', action: null, resolution: null })
  })

  it('shows the message in context, deleted neighbours marked with their text, and the sender\'s record', async () => {
    const { a, alice, bob, conversation } = await aliceBobAndMallory()
    const before = await sendOk(a, conversation.id, 'one')
    const gone = await sendOk(a, conversation.id, 'two, soon deleted')
    const target = await sendOk(a, conversation.id, 'three, reported')
    await sendOk(a, conversation.id, 'four')
    expect((await ack(a, 'message:delete', { messageId: gone.id })).ok).toBe(true)
    const reportId = await report(bob, target.id, 'harassment')
    const { report: detail } = must(await asAdmin<{ report: AdminReportDetail }>('GET', `/api/admin/reports/${reportId}`), 'detail')
    expect(detail.context.map(m => [m.seq, m.content, m.removedContent, !!m.deletedAt])).toEqual([
      [before.seq, 'one', null, false],
      [gone.seq, '', 'two, soon deleted', true],
      [target.seq, 'three, reported', null, false],
      [target.seq + 1, 'four', null, false]
    ])
    expect(detail.senderRecord).toEqual({ upheldReports: 0, windowDays: 30, sanctions: [] })
    expect(detail.sender.id).toBe(alice.user.id)
    expect(detail.escalation).toBeNull()
  })
})

describe('actions from a report, as the members see them', () => {
  it('delete reaches every client live and through sync; restore brings the text back live', async () => {
    const { a, b, message, reportId, conversation, alice } = await reported('delete me')
    const deleted = nextEvent<MessageDeletedPayload>(b, 'message:deleted', p => p.messageId === message.id)
    const senderSees = nextEvent<MessageDeletedPayload>(a, 'message:deleted', p => p.messageId === message.id)
    const { report: detail } = await act(reportId, { action: 'deleted', resolution: 'ads' })
    const live = await deleted
    await senderSees
    expect(live.updatedSeq).toBeGreaterThan(message.updatedSeq)
    expect(detail).toMatchObject({ status: 'resolved', action: 'deleted', resolution: 'ads', message: { content: 'delete me', deletedAt: expect.any(String) } })

    const synced = await ack<{ ok: boolean, results: SyncResult[] }>(b, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: message.updatedSeq }] })
    expect(synced.results[0]!.messages.map(m => [m.id, m.content, !!m.deletedAt])).toEqual([[message.id, '', true]])

    const updated = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.id === message.id)
    const restored = must(await asAdmin<{ message: Message }>('POST', `/api/admin/messages/${message.id}/restore`), 'restore')
    expect(restored.message).toMatchObject({ id: message.id, content: 'delete me', deletedAt: null })
    const back = await updated
    expect(back.message).toMatchObject({ content: 'delete me', deletedAt: null, contentHtml: expect.stringContaining('delete me') })
    expect(back.message.updatedSeq).toBeGreaterThan(live.updatedSeq)
    expect((await asAdmin('POST', `/api/admin/messages/${message.id}/restore`)).status).toBe(409)

    // Standalone delete, then the member's history shows the tombstone.
    must(await asAdmin('DELETE', `/api/admin/messages/${message.id}`), 'delete again')
    const history = must(await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token }), 'history')
    expect(history.messages.find(m => m.id === message.id)).toMatchObject({ content: '', deletedAt: expect.any(String) })

    const deletes = await auditOf('message.delete', message.id)
    expect(deletes).toHaveLength(2)
    expect(deletes[1]!.details).toMatchObject({ reportId, conversationId: conversation.id, before: { deleted: false }, after: { deleted: true } })
    expect((await auditOf('message.restore', message.id))[0]!.details).toMatchObject({ before: { deleted: true }, after: { deleted: false } })
  })

  it('warn sends the sender a live notice and lands in their record', async () => {
    const { a, alice, reportId } = await reported()
    const notice = nextEvent<{ notice: ModerationNotice }>(a, 'moderation:notice')
    const { report: detail } = await act(reportId, { action: 'warned', reason: 'no advertising here' })
    expect((await notice).notice).toMatchObject({ kind: 'warn', reason: 'no advertising here' })
    expect(detail.senderRecord.upheldReports).toBe(1)
    expect(detail.senderRecord.sanctions).toEqual([expect.objectContaining({ kind: 'warn', reason: 'no advertising here', reportId })])
    expect((await auditOf('user.warn', alice.user.id))[0]!.details).toMatchObject({ userId: alice.user.id, reportId, after: { kind: 'warn' } })
    // A warning does not stop anyone posting.
    expect((await send(a, detail.conversation.id, 'sorry')).ok).toBe(true)
    // The standalone route too.
    const direct = must(await asAdmin<{ user: { sanctions: Sanction[] } }>('POST', `/api/admin/users/${alice.user.id}/warn`, { reason: 'second warning' }), 'warn')
    expect(direct.user.sanctions.filter(s => s.kind === 'warn')).toHaveLength(2)
  })

  it('mute answers MUTED with until and reason, everywhere, until unmuted', async () => {
    const { a, alice, conversation } = await aliceBobAndMallory()
    const until = new Date(Date.now() + 3_600_000).toISOString()
    const notice = nextEvent<{ notice: ModerationNotice }>(a, 'moderation:notice')
    const muted = must(await asAdmin<{ user: { id: string, muted: boolean, mutedUntil: string, muteReason: string } }>('POST', `/api/admin/users/${alice.user.id}/mute`, { until, reason: 'cool down' }), 'mute')
    expect(muted.user).toMatchObject({ id: alice.user.id, muted: true, mutedUntil: until, muteReason: 'cool down' })
    expect((await notice).notice).toMatchObject({ kind: 'mute', until, reason: 'cool down', conversationId: null })

    const refused = await send(a, conversation.id, 'hello?')
    expect(refused).toMatchObject({ ok: false, error: { code: 'MUTED', details: { until, reason: 'cool down' } } })
    const rest = await api(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: alice.token, body: { clientId: randomUUID(), content: 'rest?' } })
    expect(rest.status).toBe(403)
    expect(rest.body.error).toMatchObject({ code: 'MUTED', details: { until, reason: 'cool down' } })
    const mine = must(await api<{ sanctions: Sanction[] }>(alice.base, 'GET', '/api/me/sanctions', { token: alice.token }), 'my sanctions')
    expect(mine.sanctions).toEqual([expect.objectContaining({ kind: 'mute', until, reason: 'cool down', conversationId: null })])

    const lifted = nextEvent<{ notice: ModerationNotice }>(a, 'moderation:notice', p => p.notice.kind === 'unmute')
    const unmuted = must(await asAdmin<{ user: { muted: boolean } }>('DELETE', `/api/admin/users/${alice.user.id}/mute`), 'unmute')
    expect(unmuted.user.muted).toBe(false)
    await lifted
    expect((await send(a, conversation.id, 'back')).ok).toBe(true)
    expect((await auditOf('user.mute', alice.user.id))[0]!.details).toMatchObject({ until, reason: 'cool down', before: null, after: { kind: 'mute', until } })
    expect((await auditOf('user.unmute', alice.user.id))[0]!.details).toMatchObject({ lifted: 1, after: null })
    expect((await asAdmin('POST', `/api/admin/users/${alice.user.id}/mute`, { until: '2001-01-01T00:00:00Z' })).status).toBe(400)
  })

  it('read-only applies in the reported conversation only', async () => {
    const { a, alice, bob, reportId, conversation, projectId } = await reported()
    const other = must(await api<{ conversation: Conversation }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, {
      token: alice.token, body: { title: 'elsewhere', type: 'group', participantIds: [bob.user.id] }
    }), 'other conversation').conversation
    await act(reportId, { action: 'readonly', durationMinutes: 60, reason: 'stay on topic' })
    const refused = await send(a, conversation.id, 'still here?')
    expect(refused).toMatchObject({ ok: false, error: { code: 'MUTED', details: { reason: 'stay on topic', until: expect.any(String) } } })
    expect((await send(a, other.id, 'fine here')).ok).toBe(true)
    expect((await auditOf('user.mute', alice.user.id))[0]!.details).toMatchObject({ conversationId: conversation.id, reportId })
    // Lifting it in that conversation.
    must(await asAdmin('DELETE', `/api/admin/users/${alice.user.id}/mute?conversationId=${conversation.id}`), 'lift read-only')
    expect((await send(a, conversation.id, 'thanks')).ok).toBe(true)
  })

  it('a project ban closes the project\'s conversations and drops its rooms at once; other projects stay open', async () => {
    const { a, b, alice, bob, reportId, conversation, projectId } = await reported()
    const elsewhere = await setupConversation(bob, [alice], 'other-project')
    const removed = nextEvent<{ conversationId: string }>(a, 'conversation:removed', p => p.conversationId === conversation.id)
    const notice = nextEvent<{ notice: ModerationNotice }>(a, 'moderation:notice', p => p.notice.kind === 'ban')
    const { report: detail } = await act(reportId, { action: 'banned', reason: 'repeated spam' })
    await removed
    expect((await notice).notice).toMatchObject({ projectId, reason: 'repeated spam' })
    expect(detail).toMatchObject({ action: 'banned', status: 'resolved' })

    // Her socket is out of the room: bob's next message does not reach her.
    const heard = collect<{ message: Message }>(a, 'message:new')
    await sendOk(b, conversation.id, 'can she hear this?')
    await sleep(300)
    expect(heard.items.filter(e => e.message.conversationId === conversation.id)).toEqual([])
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })).status).toBe(403)
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })).status).toBe(403)
    expect((await send(a, conversation.id, 'let me in')).ok).toBe(false)
    const sidebar = must(await api<{ conversations: Conversation[] }>(alice.base, 'GET', `/api/projects/${projectId}/conversations`, { token: alice.token }), 'sidebar')
    expect(sidebar.conversations).toEqual([])
    // A fresh socket does not join the project's rooms either, and the other project works.
    const fresh = await connect(alice)
    expect((await ack<{ ok: boolean }>(fresh, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: 0 }] })).ok).toBe(false)
    expect((await send(fresh, elsewhere.conversation.id, 'hello other project')).ok).toBe(true)
    expect((await auditOf('user.ban', alice.user.id))[0]!.details).toMatchObject({ projectId, reportId, after: { kind: 'ban', projectId } })

    // Lifting the project ban gives the conversations back.
    const unbanned = must(await asAdmin<{ user: { banned: boolean, projectBans: unknown[] } }>('DELETE', `/api/admin/users/${alice.user.id}/ban?projectId=${projectId}`), 'unban')
    expect(unbanned.user).toMatchObject({ banned: false, projectBans: [] })
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })).status).toBe(200)
    expect((await auditOf('user.unban', alice.user.id))[0]!.details).toMatchObject({ projectId, lifted: 1 })
  })

  it('the standalone project ban route does the same', async () => {
    const { a, alice, conversation, projectId } = await aliceBobAndMallory()
    const removed = nextEvent<{ conversationId: string }>(a, 'conversation:removed', p => p.conversationId === conversation.id)
    const banned = must(await asAdmin<{ user: { banned: boolean, projectBans: { projectId: string }[] } }>('POST', `/api/admin/users/${alice.user.id}/ban`, { projectId, reason: 'x' }), 'ban')
    expect(banned.user).toMatchObject({ banned: false, projectBans: [{ projectId }] })
    await removed
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })).status).toBe(403)
    // Still signed in: a project ban is not an account ban.
    expect((await api(alice.base, 'GET', '/api/me', { token: alice.token })).status).toBe(200)
  })

  it('dismiss closes the report and changes nothing for the sender', async () => {
    const { a, alice, message, reportId, conversation } = await reported()
    const notices = collect<{ notice: ModerationNotice }>(a, 'moderation:notice')
    const { report: detail, escalation } = await act(reportId, { action: 'dismissed', resolution: 'not spam' })
    expect(detail).toMatchObject({ status: 'resolved', action: 'dismissed', resolution: 'not spam', message: { deletedAt: null } })
    expect(escalation).toBeNull()
    expect(detail.senderRecord).toMatchObject({ upheldReports: 0, sanctions: [] })
    expect((await send(a, conversation.id, 'still fine')).ok).toBe(true)
    const history = must(await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token }), 'history')
    expect(history.messages.find(m => m.id === message.id)?.content).toBe(message.content)
    await sleep(200)
    expect(notices.items).toEqual([])
    expect((await auditOf('report.update', reportId))[0]!.details).toMatchObject({ after: { status: 'resolved', action: 'dismissed' } })
  })
})

describe('escalation', () => {
  it('the third upheld report within the window mutes automatically; dismissed ones do not count', async () => {
    const { a, alice, bob, conversation, projectId } = await aliceBobAndMallory()
    const rule = must(await asAdmin<{ rule: EscalationRule }>('POST', '/api/admin/escalation-rules', { threshold: 3, windowDays: 30, action: 'mute', durationHours: 24, projectId }), 'create rule').rule
    expect(rule).toMatchObject({ threshold: 3, windowDays: 30, action: 'mute', durationHours: 24, enabled: true, projectId })
    expect(must(await asAdmin<{ rules: EscalationRule[] }>('GET', '/api/admin/escalation-rules'), 'rules').rules.map(r => r.id)).toContain(rule.id)
    expect((await asAdmin('POST', '/api/admin/escalation-rules', { threshold: 0, windowDays: 30, action: 'mute' })).status).toBe(400)

    const offences = []
    for (let i = 0; i < 4; i++) offences.push(await report(bob, (await sendOk(a, conversation.id, `offence ${i}`)).id))
    expect((await act(offences[0]!, { action: 'warned', reason: 'first' })).escalation).toBeNull()
    expect((await act(offences[1]!, { action: 'dismissed' })).escalation).toBeNull()
    expect((await act(offences[2]!, { action: 'deleted' })).escalation).toBeNull()
    expect((await send(a, conversation.id, 'not muted yet')).ok).toBe(true)

    const notice = nextEvent<{ notice: ModerationNotice }>(a, 'moderation:notice', p => p.notice.kind === 'mute')
    const third = await act(offences[3]!, { action: 'deleted' })
    expect(third.escalation).toMatchObject({ ruleId: rule.id, action: 'mute', durationHours: 24, count: 3, reason: '3 upheld reports in 30 days' })
    expect(third.report.escalation).toEqual(third.escalation)
    expect((await notice).notice.reason).toBe('3 upheld reports in 30 days')
    const refused = await send(a, conversation.id, 'muted now?')
    expect(refused).toMatchObject({ ok: false, error: { code: 'MUTED', details: { reason: '3 upheld reports in 30 days', until: expect.any(String) } } })
    if (!refused.ok) {
      const hours = (new Date(String(refused.error.details?.until)).getTime() - Date.now()) / 3_600_000
      expect(hours).toBeGreaterThan(23.9)
      expect(hours).toBeLessThanOrEqual(24)
    }
    const escalations = await auditOf('user.escalate', alice.user.id)
    expect(escalations).toHaveLength(1)
    expect(escalations[0]!.details).toMatchObject({ reportId: offences[3], ruleId: rule.id, count: 3 })
    // Re-reading the report shows the escalation too.
    const detail = must(await asAdmin<{ report: AdminReportDetail }>('GET', `/api/admin/reports/${offences[3]}`), 'detail').report
    expect(detail.escalation).toMatchObject({ action: 'mute', durationHours: 24 })
    expect(detail.senderRecord.upheldReports).toBe(3)

    // Rule edits and removal are audited.
    must(await asAdmin('PATCH', `/api/admin/escalation-rules/${rule.id}`, { enabled: false }), 'disable')
    must(await asAdmin('DELETE', `/api/admin/escalation-rules/${rule.id}`), 'delete rule')
    expect((await asAdmin('DELETE', `/api/admin/escalation-rules/${rule.id}`)).status).toBe(404)
    const ruleAudit = must(await asAdmin<{ entries: AuditEntry[] }>('GET', `/api/admin/audit?targetId=${rule.id}`), 'rule audit').entries
    expect(ruleAudit.map(e => e.action)).toEqual(['escalation.rule.delete', 'escalation.rule.update', 'escalation.rule.create'])
    expect(ruleAudit[1]!.details).toMatchObject({ before: { enabled: true }, after: { enabled: false } })
  })

  it('a new member cannot be escalated by reports that were never upheld', async () => {
    const sender = await signUp('Quiet')
    const reporter = await signUp('Eager')
    const { projectId, conversation } = await setupConversation(sender, [reporter])
    must(await asAdmin('POST', '/api/admin/escalation-rules', { threshold: 1, windowDays: 1, action: 'mute', durationHours: 1, projectId }), 'rule')
    const s = await connect(sender)
    const reportId = await report(reporter, (await sendOk(s, conversation.id, 'harmless')).id)
    must(await asAdmin('PATCH', `/api/admin/reports/${reportId}`, { status: 'resolved', resolution: 'fine' }), 'close')
    expect((await send(s, conversation.id, 'still harmless')).ok).toBe(true)
  })
})

describe('automod flags in the reports queue', () => {
  it('shows a flagged message as an automod report naming its rule, and the admin acts on it like any report', async () => {
    const { alice, b, a, projectId, conversation } = await aliceBobAndMallory()
    const word = `flagword${randomUUID().slice(0, 6)}`
    const name = `Flag ${word}`
    const { rule } = must(await asAdmin<{ rule: { id: string } }>('POST', '/api/admin/automod/rules', { name, kind: 'regex', pattern: word, action: 'flag', projectId }), 'create rule')
    try {
      const delivered = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content.includes(word))
      const message = await sendOk(a, conversation.id, `this says ${word}`)
      await delivered

      const { reports } = must(await asAdmin<ReportsBody>('GET', `/api/admin/reports?status=pending&source=automod&conversationId=${conversation.id}`), 'queue')
      const flagged = reports.find(r => r.message.id === message.id)
      expect(flagged).toMatchObject({ source: 'automod', reporter: null, ruleId: rule.id, sender: { id: alice.user.id }, status: 'pending' })
      expect(flagged!.description).toContain(name)

      const deleted = nextEvent<MessageDeletedPayload>(b, 'message:deleted', p => p.messageId === message.id)
      const { report: done } = await act(flagged!.id, { action: 'deleted', resolution: 'automod was right' })
      expect(done).toMatchObject({ status: 'resolved', action: 'deleted' })
      await deleted
    } finally {
      await asAdmin('DELETE', `/api/admin/automod/rules/${rule.id}`)
    }
  })
})
