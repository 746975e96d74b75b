import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import type { Message } from '#shared/types'
import ChatThreadPanel from '~/components/chat/ThreadPanel.vue'
import ChatMessageList from '~/components/chat/MessageList.vue'
import { CONVERSATION_ID, ME, OTHER, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const root = message(1, { content: 'the root', contentHtml: '<p>the root</p>', replyCount: 3 })
const reply = (seq: number, overrides: Partial<Message> = {}) => message(seq, {
  threadRootId: root.id, content: `reply ${seq}`, contentHtml: `<p>reply ${seq}</p>`, ...overrides
})

/** afterSeq of every thread page asked for, in order. */
let asked: number[] = []
let pages: Record<number, { replies: Message[], hasMore: boolean }> = {}

registerEndpoint(`/api/messages/${root.id}/thread`, (event) => {
  const afterSeq = Number(new URL(event.path, 'http://test').searchParams.get('afterSeq') ?? 0)
  asked.push(afterSeq)
  return { root, ...(pages[afterSeq] ?? { replies: [], hasMore: false }) }
})

const flush = () => new Promise(resolve => setTimeout(resolve, 20))
const bodies = (wrapper: Awaited<ReturnType<typeof mountInApp>>, scope: string) =>
  wrapper.find(`[data-testid="${scope}"]`).findAll('[data-testid="message-body"]').map(b => b.text())

describe('thread panel', () => {
  beforeEach(() => {
    asked = []
    pages = { 0: { replies: [reply(2), reply(3)], hasMore: true }, 3: { replies: [reply(5)], hasMore: false } }
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })
  afterEach(() => useAuthStore().signOut())

  it('shows the root and its replies, oldest first, and pages on with "load more"', async () => {
    const wrapper = await mountInApp(ChatThreadPanel, { conversation: conversation(), rootId: root.id })
    await flush()
    expect(bodies(wrapper, 'thread-root')).toEqual(['the root'])
    expect(bodies(wrapper, 'thread-replies')).toEqual(['reply 2', 'reply 3'])
    expect(wrapper.find('[data-testid="thread-reply-count"]').text()).toContain('3 replies')

    await wrapper.find('[data-testid="thread-load-more"]').trigger('click')
    await flush()
    expect(asked).toEqual([0, 3])
    expect(bodies(wrapper, 'thread-replies')).toEqual(['reply 2', 'reply 3', 'reply 5'])
    expect(wrapper.find('[data-testid="thread-load-more"]').exists()).toBe(false)
  })

  it('shows a live reply and the root\'s new count, while the main timeline leaves the reply out', async () => {
    pages = { 0: { replies: [reply(2)], hasMore: false } }
    const messages = useMessagesStore()
    messages.applyLatestPage(CONVERSATION_ID, [root], false)
    const panel = await mountInApp(ChatThreadPanel, { conversation: conversation(), rootId: root.id })
    const list = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    await flush()

    messages.receiveNew(reply(3, { content: 'live reply', contentHtml: '<p>live reply</p>' }), ME.id)
    messages.upsert({ ...root, updatedSeq: 4, replyCount: 4, thread: { lastReplyAt: new Date().toISOString(), repliers: [OTHER] } })
    messages.receiveNew(message(5, { content: 'top level' }), ME.id)
    await flush()

    expect(bodies(panel, 'thread-replies')).toEqual(['reply 2', 'live reply'])
    expect(panel.find('[data-testid="thread-reply-count"]').text()).toContain('4 replies')
    expect(list.findAll('[data-testid="message-item"]').map(i => i.attributes('data-message-id'))).toEqual([root.id, message(5).id])
    expect(list.find('[data-testid="thread-summary-count"]').text()).toBe('4 replies')
  })

  it('keeps replies from a sync page in their thread, and shows one sent to the conversation too', async () => {
    pages = { 0: { replies: [], hasMore: false } }
    const messages = useMessagesStore()
    messages.applyLatestPage(CONVERSATION_ID, [root], false)
    const panel = await mountInApp(ChatThreadPanel, { conversation: conversation(), rootId: root.id })
    const list = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    await flush()

    messages.applySync({ conversationId: CONVERSATION_ID, messages: [reply(2), reply(3, { alsoInConversation: true })], hasMore: false, lastSeq: 3 })
    await flush()
    expect(bodies(panel, 'thread-replies')).toEqual(['reply 2', 'reply 3'])
    expect(list.findAll('[data-testid="message-body"]').map(b => b.text())).toEqual(['the root', 'reply 3'])
  })

  it('sends from its own composer into the thread, also to the conversation when ticked', async () => {
    pages = { 0: { replies: [], hasMore: false } }
    const wrapper = await mountInApp(ChatThreadPanel, { conversation: conversation(), rootId: root.id })
    await flush()
    const input = wrapper.find<HTMLTextAreaElement>('textarea[data-testid="thread-composer-input"], [data-testid="thread-composer-input"] textarea')
    await wrapper.find('[data-testid="thread-also-to-conversation"] button, button[data-testid="thread-also-to-conversation"]').trigger('click')
    await input.setValue('my answer')
    await input.trigger('keydown', { key: 'Enter' })
    const local = useThreadsStore().threadOf(root.id).messages
    expect(local.map(m => [m.content, m.threadRootId, m.alsoInConversation, m.status])).toEqual([['my answer', root.id, true, 'pending']])
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages).toHaveLength(0)
    expect(bodies(wrapper, 'thread-replies')).toEqual(['my answer'])
  })

  it('puts the caret in its reply box when it opens, so a first reply is typed there', async () => {
    pages = { 0: { replies: [], hasMore: false } }
    const wrapper = await mountInApp(ChatThreadPanel, { conversation: conversation(), rootId: root.id }, { attachTo: document.body })
    await flush()
    const input = wrapper.find<HTMLTextAreaElement>('textarea[data-testid="thread-composer-input"], [data-testid="thread-composer-input"] textarea')
    expect(document.activeElement).toBe(input.element)
    wrapper.unmount()
  })
})
