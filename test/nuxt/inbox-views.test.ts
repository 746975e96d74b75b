import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { createError } from 'h3'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import ThreadsView from '~/components/notifications/ThreadsView.vue'
import UnreadsView from '~/components/notifications/UnreadsView.vue'
import { conversation, message, PROJECT_ID } from './fixtures'
import { mountInApp } from './mount'

let threadsFail = true
let threadsList: unknown[] = []
let unreadsFail = false
registerEndpoint('/api/threads', () => {
  if (threadsFail) throw createError({ statusCode: 500, data: { error: { code: 'INTERNAL', message: 'database down' } } })
  return { threads: threadsList }
})
registerEndpoint('/api/unreads', () => {
  if (unreadsFail) throw createError({ statusCode: 500, data: { error: { code: 'INTERNAL', message: 'database down' } } })
  return { conversations: [] }
})
registerEndpoint('/api/projects', () => ({ projects: [] }))

describe('inbox views: error, loading and empty', () => {
  beforeEach(() => {
    useConversationsStore().currentProjectId = PROJECT_ID
    threadsFail = true
    threadsList = []
    unreadsFail = false
  })

  it('Threads: a failed load says so, and "Try again" shows the threads', async () => {
    const wrapper = await mountInApp(ThreadsView)
    await vi.waitFor(() => expect(wrapper.text()).toContain('Could not read your threads'))
    expect(wrapper.find('[data-testid="threads-item"]').exists()).toBe(false)

    threadsFail = false
    threadsList = [{ conversationId: conversation().id, conversationTitle: 'general', root: message(3, { content: 'the plan' }), replyCount: 2, lastReplyAt: new Date().toISOString(), unreadCount: 1, mentionCount: 0 }]
    const retry = wrapper.findAll('button').find(b => b.text() === 'Try again')
    await retry!.trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="threads-item"]')).toHaveLength(1))
    expect(wrapper.text()).not.toContain('Could not read your threads')
    expect(wrapper.text()).toContain('1 new reply')
  })

  it('Threads: none yet shows the empty state, not a list', async () => {
    threadsFail = false
    const wrapper = await mountInApp(ThreadsView)
    await vi.waitFor(() => expect(wrapper.find('[data-testid="threads-empty"]').exists()).toBe(true))
    expect(wrapper.text()).toContain('No threads yet')
  })

  it('All unreads: caught up shows the empty state; a failure shows the error instead', async () => {
    const caughtUp = await mountInApp(UnreadsView)
    await vi.waitFor(() => expect(caughtUp.find('[data-testid="unreads-empty"]').exists()).toBe(true))
    expect(caughtUp.text()).toContain('You\'re all caught up')
    caughtUp.unmount()

    unreadsFail = true
    const failed = await mountInApp(UnreadsView)
    await vi.waitFor(() => expect(failed.text()).toContain('Could not read your unread messages'))
    expect(failed.find('[data-testid="unreads-empty"]').exists()).toBe(false)
  })
})
