import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { AdminReportDetail } from '#shared/moderation-schemas'
import { AdminReportDetail as ReportDetail } from '#components'
import { CONVERSATION_ID, ME, OTHER, PROJECT_ID, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const REPORT_ID = '00000000-0000-4000-8000-0000000000r1'

function detail(overrides: Partial<AdminReportDetail> = {}): AdminReportDetail {
  const target = message(2, { content: 'buy cheap watches' })
  return {
    id: REPORT_ID, status: 'pending', source: 'member', reason: 'spam', description: 'ads', ruleId: null, action: null, resolution: null,
    reviewedAt: null, resolvedAt: null, createdAt: new Date().toISOString(),
    reporter: { id: ME.id, displayName: 'Reporter', email: 'r@example.com' },
    sender: { id: OTHER.id, displayName: 'Other', email: 'o@example.com' },
    conversation: { id: CONVERSATION_ID, title: 'general' }, project: { id: PROJECT_ID, name: 'Demo' },
    message: { id: target.id, seq: 2, content: 'buy cheap watches', deletedAt: null, createdAt: target.createdAt },
    messageReportCount: 1,
    context: [
      { ...message(1, { content: 'hello' }), removedContent: null },
      { ...target, removedContent: null },
      { ...message(3, { content: '', deletedAt: new Date().toISOString() }), removedContent: 'gone text' }
    ],
    senderRecord: { upheldReports: 2, windowDays: 30, sanctions: [] },
    escalation: null,
    ...overrides
  }
}

let posted: Record<string, unknown>[] = []
let restored = 0
registerEndpoint(`/api/admin/reports/${REPORT_ID}/actions`, {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<Record<string, unknown>>(event)
    posted.push(body)
    return {
      report: detail({ status: 'resolved', action: 'muted', escalation: { ruleId: 'r', action: 'mute', durationHours: 24, count: 3, windowDays: 30, reason: '3 upheld reports in 30 days' } }),
      escalation: null
    }
  }
})
registerEndpoint(`/api/admin/messages/${message(2).id}/restore`, { method: 'POST', handler: () => { restored++; return { message: message(2) } } })
registerEndpoint(`/api/admin/reports/${REPORT_ID}`, { method: 'GET', handler: () => ({ report: detail() }) })

const settle = () => new Promise(resolve => setTimeout(resolve, 20))
type Wrapper = Awaited<ReturnType<typeof mountInApp>>
const click = async (wrapper: Wrapper, testid: string) => {
  await wrapper.find(`[data-testid="${testid}"]`).trigger('click')
  await settle()
}

describe('report detail', () => {
  beforeEach(() => {
    posted = []
    restored = 0
    inApp(() => useSession().signIn('token', { ...ME, role: 'admin' }))
  })

  it('shows the message in context with the deleted neighbour\'s text, the sender\'s record and the conversation link', async () => {
    const wrapper = await mountInApp(ReportDetail, { report: detail() })
    expect(wrapper.find('[data-testid="report-context-target"]').text()).toContain('buy cheap watches')
    const others = wrapper.findAll('[data-testid="report-context-message"]').map(m => m.text())
    expect(others[0]).toContain('hello')
    expect(others[1]).toContain('deleted')
    expect(others[1]).toContain('gone text')
    expect(wrapper.find('[data-testid="report-sender-record"]').text()).toContain('2 upheld reports in the last 30 days')
    expect(wrapper.find('[data-testid="report-open-conversation"]').attributes('href')).toBe(`/admin/conversations/${CONVERSATION_ID}?seq=2`)
  })

  it('mutes for 24 h with the reason the user sees, deleting the message too, in one call', async () => {
    const wrapper = await mountInApp(ReportDetail, { report: detail() })
    await click(wrapper, 'report-action-muted')
    await click(wrapper, 'report-duration-1440')
    await wrapper.find('[data-testid="report-user-reason"] input, input[data-testid="report-user-reason"]').setValue('no advertising')
    await wrapper.find('[data-testid="report-delete-too"] button, button[data-testid="report-delete-too"], [data-testid="report-delete-too"]').trigger('click')
    await settle()
    await wrapper.find('form').trigger('submit')
    await settle()
    await settle()
    expect(posted).toEqual([{ action: 'muted', reason: 'no advertising', durationMinutes: 1440, deleteMessage: true }])
  })

  it('refuses a mute without a reason and sends nothing', async () => {
    const wrapper = await mountInApp(ReportDetail, { report: detail() })
    await click(wrapper, 'report-action-muted')
    await wrapper.find('form').trigger('submit')
    await settle()
    await settle()
    expect(posted).toEqual([])
    expect(wrapper.text()).toContain('the user sees this reason')
  })

  it('dismisses without asking for a reason, and a custom end must be in the future', async () => {
    const wrapper = await mountInApp(ReportDetail, { report: detail() })
    await click(wrapper, 'report-action-banned')
    await click(wrapper, 'report-duration-custom')
    await wrapper.find('[data-testid="report-user-reason"] input, input[data-testid="report-user-reason"]').setValue('spam ring')
    await wrapper.find('[data-testid="report-custom-until"] input, input[data-testid="report-custom-until"]').setValue('2001-01-01T10:00')
    await wrapper.find('form').trigger('submit')
    await settle()
    await settle()
    expect(posted).toEqual([])
    await click(wrapper, 'report-action-dismissed')
    await wrapper.find('form').trigger('submit')
    await settle()
    await settle()
    expect(posted).toEqual([{ action: 'dismissed' }])
  })

  it('restores a deleted message and shows an escalation', async () => {
    const deleted = detail({ message: { ...detail().message, deletedAt: new Date().toISOString() }, escalation: { ruleId: 'r', action: 'mute', durationHours: 24, count: 3, windowDays: 30, reason: '3 upheld reports in 30 days' } })
    const wrapper = await mountInApp(ReportDetail, { report: deleted })
    expect(wrapper.find('[data-testid="report-escalation"]').text()).toContain('Escalated: muted for 24 h')
    await click(wrapper, 'report-restore')
    await settle()
    expect(restored).toBe(1)
  })
})

describe('report detail of a deleted message', () => {
  it('offers restore, not a second delete', async () => {
    inApp(() => useSession().signIn('token', { ...ME, role: 'admin' }))
    const wrapper = await mountInApp(ReportDetail, { report: detail({ message: { ...detail().message, deletedAt: new Date().toISOString() } }) })
    expect(wrapper.find('[data-testid="report-action-deleted"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="report-action-muted"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="report-restore"]').exists()).toBe(true)
  })
})
