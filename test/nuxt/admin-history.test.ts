import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { getQuery } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AdminHistoryMessage } from '#admin-shared/admin-schemas'
import AdminHistoryView from '#layers/admin/components/admin/HistoryView.vue'
import { CONVERSATION_ID, message } from './fixtures'
import { mountInApp } from './mount'

const ALICE = { id: '00000000-0000-4000-8000-0000000000aa', displayName: 'Alice' }

function entry(seq: number, overrides: Partial<AdminHistoryMessage> = {}): AdminHistoryMessage {
  const m = message(seq, { content: `message ${seq}`, contentHtml: `<p>message ${seq}</p>` })
  return { ...m, deleted: false, deletedBy: null, deletedByRetention: false, isReply: false, edited: false, ...overrides }
}

/** Seqs 1..120 on the "server"; seq 12 deleted by Alice, 13 a thread reply, 14 edited. */
const ALL = Array.from({ length: 120 }, (_, i) => i + 1).map(seq => seq === 12
  ? entry(12, { deleted: true, deletedAt: '2026-11-30T12:04:00.000Z', deletedBy: ALICE, content: 'the rude bit', contentHtml: '<p>the rude bit</p>' })
  : seq === 13 ? entry(13, { isReply: true, threadRootId: message(11).id }) : seq === 14 ? entry(14, { edited: true, editedAt: '2026-11-30T12:05:00.000Z' }) : entry(seq))

const queries: Record<string, unknown>[] = []
registerEndpoint(`/api/admin/conversations/${CONVERSATION_ID}/messages`, (event) => {
  const q = getQuery(event) as Record<string, string>
  queries.push(q)
  const limit = Number(q.limit ?? 50)
  let page: AdminHistoryMessage[]
  if (q.before) page = ALL.filter(m => m.seq < Number(q.before)).slice(-limit)
  else if (q.after) page = ALL.filter(m => m.seq > Number(q.after)).slice(0, limit)
  else if (q.around) {
    const before = ALL.filter(m => m.seq < Number(q.around)).slice(-Math.floor(limit / 2))
    page = [...before, ...ALL.filter(m => m.seq >= Number(q.around)).slice(0, limit - before.length)]
  } else page = ALL.slice(-limit)
  return { messages: page, hasMoreBefore: page[0]!.seq > 1, hasMoreAfter: page.at(-1)!.seq < 120 }
})

const rows = (wrapper: Awaited<ReturnType<typeof mountInApp>>) => wrapper.findAll('[data-testid="admin-history-message"]')
const seqs = (wrapper: Awaited<ReturnType<typeof mountInApp>>) => rows(wrapper).map(r => Number(r.attributes('data-seq')))

describe('admin history view', () => {
  beforeEach(() => { queries.length = 0 })

  it('opens around the linked seq, highlights it, and marks deleted, edited and reply messages', async () => {
    const wrapper = await mountInApp(AdminHistoryView, { conversationId: CONVERSATION_ID, seq: 12 })
    await flushPromises()
    expect(queries[0]).toMatchObject({ around: '12' })
    expect(seqs(wrapper)).toContain(12)
    const target = wrapper.find('[data-seq="12"]')
    expect(target.attributes('aria-current')).toBe('true')
    expect(target.attributes('data-deleted')).toBe('true')
    // The deleted message keeps its text for the admin, struck through, with who and when.
    expect(target.text()).toContain('the rude bit')
    expect(target.find('[data-testid="admin-history-deleted"]').text()).toMatch(/^Deleted by Alice · \d{1,2}:\d{2}/)
    expect(wrapper.find('[data-seq="13"] [data-testid="admin-history-reply"]').exists()).toBe(true)
    expect(wrapper.find('[data-seq="14"] [data-testid="admin-history-edited"]').exists()).toBe(true)
    expect(wrapper.find('[data-seq="11"] [data-testid="admin-history-deleted"]').exists()).toBe(false)
    // Read-only: nothing here offers to edit, delete or post.
    expect(wrapper.find('textarea').exists()).toBe(false)
  })

  it('loads older and newer pages without duplicates, and hides the buttons at either end', async () => {
    const wrapper = await mountInApp(AdminHistoryView, { conversationId: CONVERSATION_ID, seq: null })
    await flushPromises()
    expect(queries[0]).not.toHaveProperty('around')
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
    expect(seqs(wrapper)).toEqual(range(71, 120))
    expect(wrapper.find('[data-testid="admin-history-newer"]').exists()).toBe(false)
    await wrapper.find('[data-testid="admin-history-older"]').trigger('click')
    await flushPromises()
    expect(queries.at(-1)).toMatchObject({ before: '71' })
    expect(seqs(wrapper)).toEqual(range(21, 120))
    await wrapper.find('[data-testid="admin-history-older"]').trigger('click')
    await flushPromises()
    expect(seqs(wrapper)).toEqual(range(1, 120))
    expect(wrapper.find('[data-testid="admin-history-older"]').exists()).toBe(false)

    const linked = await mountInApp(AdminHistoryView, { conversationId: CONVERSATION_ID, seq: 2 })
    await flushPromises()
    expect(seqs(linked)).toEqual(range(1, 50))
    expect(linked.find('[data-testid="admin-history-older"]').exists()).toBe(false)
    await linked.find('[data-testid="admin-history-newer"]').trigger('click')
    await flushPromises()
    expect(queries.at(-1)).toMatchObject({ after: '50' })
    expect(seqs(linked)).toEqual(range(1, 100))
    expect(linked.find('[data-testid="admin-history-newer"]').exists()).toBe(true)
  })
})
