import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatMessageList from '~/components/chat/MessageList.vue'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const ids = (wrapper: Awaited<ReturnType<typeof mountInApp>>) =>
  wrapper.findAll('[data-testid="message-item"]').map(item => item.attributes('data-message-id'))

describe('message list', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })
  afterEach(() => useAuthStore().signOut())

  it('shows messages in seq order whatever order they arrived in', async () => {
    const messages = useMessagesStore()
    messages.applyLatestPage(CONVERSATION_ID, [message(2), message(5)], false)
    messages.receiveNew(message(4), ME.id)
    messages.receiveNew(message(3), ME.id)
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    expect(ids(wrapper)).toEqual([2, 3, 4, 5].map(seq => message(seq).id))
    expect(wrapper.find('[data-testid="history-start"]').text()).toContain('This is the very beginning of general')
  })

  it('shows a message being sent as pending, below the confirmed ones', async () => {
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [message(1)], false)
    // The socket is not connected in tests: the send waits in the outbox.
    inApp(useOutbox).send(CONVERSATION_ID, 'on its way')
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    const items = wrapper.findAll('[data-testid="message-item"]')
    expect(items).toHaveLength(2)
    const pending = items[1]!
    expect(pending.attributes('data-status')).toBe('pending')
    expect(pending.find('[data-testid="message-body"]').text()).toBe('on its way')
    expect(pending.find('[data-testid="message-pending"]').text()).toContain('Waiting for connection')
  })

  it('shows a refused send as failed with its reason, and discards it on request', async () => {
    const messages = useMessagesStore()
    messages.applyLatestPage(CONVERSATION_ID, [], false)
    inApp(useOutbox).send(CONVERSATION_ID, 'too fast')
    const local = messages.timelineOf(CONVERSATION_ID).messages[0]!
    messages.setLocalStatus(local, 'failed', 'Slow mode — try again in 5s')
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    const item = wrapper.find('[data-testid="message-item"]')
    expect(item.attributes('data-status')).toBe('failed')
    expect(item.text()).toContain('Slow mode — try again in 5s')
    expect(item.find('[data-testid="message-retry"]').exists()).toBe(true)
    await item.find('[data-testid="message-discard"]').trigger('click')
    expect(wrapper.findAll('[data-testid="message-item"]')).toHaveLength(0)
  })

  it('replaces the pending copy when the server confirms it, without a duplicate', async () => {
    const messages = useMessagesStore()
    messages.applyLatestPage(CONVERSATION_ID, [message(1)], false)
    inApp(useOutbox).send(CONVERSATION_ID, 'hello')
    const local = messages.timelineOf(CONVERSATION_ID).messages[1]!
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    const confirmed = message(2, { clientId: local.clientId, senderId: ME.id, sender: ME, content: 'hello', contentHtml: '<p>hello</p>' })
    messages.upsert(confirmed)
    messages.receiveNew(confirmed, ME.id)
    await nextTick()
    const items = wrapper.findAll('[data-testid="message-item"]')
    expect(items.map(i => i.attributes('data-status'))).toEqual(['sent', 'sent'])
    expect(items[1]!.attributes('data-message-id')).toBe(confirmed.id)
  })

  it('shows a file message by its attachments, without a names text', async () => {
    const file = { id: crypto.randomUUID(), fileName: 'report.pdf', mimeType: 'application/pdf', sizeBytes: 2048, url: '/api/attachments/x', thumbnailUrl: null }
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [message(1, { type: 'file', content: 'report.pdf', contentHtml: '<p>report.pdf</p>', attachments: [file] })], false)
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    const item = wrapper.find('[data-testid="message-item"]')
    expect(item.find('[data-testid="message-body"]').exists()).toBe(false)
    expect(item.find('[data-testid="message-attachments"]').text()).toContain('report.pdf')
  })
})

describe('jump to a message through the URL', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [1, 2, 3, 4, 5].map(seq => message(seq)), false)
  })

  it('highlights the message named by #m-<seq> when the conversation opens (a reload or a shared link)', async () => {
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}#m-3` })
    await vi.waitFor(() => expect(wrapper.find('[data-highlighted="true"]').exists()).toBe(true))
    expect(wrapper.find('[data-highlighted="true"]').attributes('data-message-id')).toBe(message(3).id)
  })

  it('jumps again when the hash changes while the conversation is open', async () => {
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}` })
    expect(wrapper.find('[data-highlighted="true"]').exists()).toBe(false)
    await navigateTo(`/c/${CONVERSATION_ID}${messageHash(4)}`)
    await vi.waitFor(() => expect(wrapper.find('[data-highlighted="true"]').attributes('data-message-id')).toBe(message(4).id))
  })
})
