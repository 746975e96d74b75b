import { describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import AdminAnalyticsStatCards from '~~/layers/admin/components/admin/AnalyticsStatCards.vue'
import AdminAnalyticsDrilldown from '~~/layers/admin/components/admin/AnalyticsDrilldown.vue'
import type { AnalyticsMessageRow, AnalyticsSummary } from '#admin-shared/analytics-schemas'
import { mountInApp } from './mount'

const PROJECT = '00000000-0000-4000-8000-000000000001'
const CONV = '00000000-0000-4000-8000-0000000000c1'

const summary: AnalyticsSummary = {
  projectId: PROJECT, from: '2026-03-01', to: '2026-03-07',
  totalMessages: 12345, activeConversations: 4, activeUsers: 9,
  avgResponseSeconds: 125.4, medianResponseSeconds: 42, responses: 300,
  messagesByDay: [], heatmap: [], topConversations: [], topSenders: [],
  reportsOpened: 3, reportsResolved: 1, asOf: '2026-03-07T12:00:00.000Z'
}

const row = (i: number, extra: Partial<AnalyticsMessageRow> = {}): AnalyticsMessageRow => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, conversationId: CONV, conversationTitle: 'general', seq: i,
  senderId: 'u1', senderName: 'Alice', content: `message ${i}`, threadRootId: null, deletedAt: null,
  createdAt: '2026-03-02T10:00:00.000Z', ...extra
})

const queries: Record<string, string>[] = []
registerEndpoint('/api/admin/analytics/conversations', () => ({ conversations: [{ conversationId: CONV, title: 'general', type: 'group', count: 3, senders: 2 }] }))
registerEndpoint('/api/admin/analytics/messages', (event) => {
  const q = Object.fromEntries(new URL(event.node.req.url ?? '', 'http://x').searchParams)
  queries.push(q)
  return q.cursor
    ? { messages: [row(3)], nextCursor: null }
    : { messages: [row(1), row(2, { deletedAt: '2026-03-02T11:00:00.000Z', content: '' })], nextCursor: 'page-2' }
})

describe('analytics dashboard parts', () => {
  it('stat cards show each figure, formatted', async () => {
    const wrapper = await mountInApp(AdminAnalyticsStatCards, { summary })
    const stat = (key: string) => wrapper.find(`[data-testid="analytics-stat-${key}"]`).text()
    expect(stat('totalMessages')).toBe('12,345')
    expect(stat('activeConversations')).toBe('4')
    expect(stat('activeUsers')).toBe('9')
    expect(stat('avgResponseSeconds')).toBe('2 min 5 s')
    expect(stat('medianResponseSeconds')).toBe('42 s')
    expect(stat('reports')).toBe('3 / 1')
  })

  it('a day lists its conversations, one opens its messages with links to the history, and pages on', async () => {
    queries.length = 0
    const wrapper = await mountInApp(AdminAnalyticsDrilldown, { projectId: PROJECT, from: '2026-03-01', to: '2026-03-07', filter: { label: 'Conversations active on 2026-03-02', day: '2026-03-02' } })
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="analytics-drill-conversation"]')).toHaveLength(1))
    expect(wrapper.find('[data-testid="analytics-drill-conversation-count"]').text()).toBe('3')
    await wrapper.find('[data-testid="analytics-drill-conversation"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="analytics-drill-message"]')).toHaveLength(2))
    expect(queries[0]).toMatchObject({ projectId: PROJECT, day: '2026-03-02', conversationId: CONV })
    const links = wrapper.findAll('[data-testid="analytics-drill-open"]').map(l => l.attributes('href'))
    expect(links).toEqual([`/admin/conversations/${CONV}?seq=1`, `/admin/conversations/${CONV}?seq=2`])
    expect(wrapper.findAll('[data-testid="analytics-drill-message"]')[1]!.text()).toContain('deleted')
    await wrapper.find('[data-testid="analytics-drill-more"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="analytics-drill-message"]')).toHaveLength(3))
    expect(queries[1]).toMatchObject({ cursor: 'page-2' })
    expect(wrapper.find('[data-testid="analytics-drill-more"]').exists()).toBe(false)
  })
})
