import { beforeEach, describe, expect, it } from 'vitest'
import { TYPING_EXPIRY_MS } from '#shared/limits'
import { CONVERSATION_ID, ME, OTHER, PROJECT_ID, conversation, message } from './fixtures'
import { inApp } from './mount'

describe('chat stores', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    const conversations = useConversationsStore()
    conversations.selectProject(PROJECT_ID)
    conversations.setConversations(PROJECT_ID, [conversation({ lastSeq: 2 })])
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [message(1), message(2)], false)
  })

  it('a live message from someone else counts as unread and moves the sidebar preview', () => {
    useMessagesStore().receiveNew(message(3, { content: 'news' }), ME.id)
    const c = useConversationsStore().conversations[CONVERSATION_ID]!
    expect(c.unreadCount).toBe(1)
    expect(c.lastMessage).toMatchObject({ senderName: 'Other', content: 'news' })
  })

  it('one\'s own message, or one seen already, does not count as unread', () => {
    const messages = useMessagesStore()
    messages.receiveNew(message(3, { senderId: ME.id, sender: ME }), ME.id)
    messages.receiveNew(message(2), ME.id)
    expect(useConversationsStore().conversations[CONVERSATION_ID]!.unreadCount).toBe(0)
  })

  it('reports a gap when a live message skips counter values, and where to sync from', () => {
    const messages = useMessagesStore()
    expect(messages.receiveNew(message(3), ME.id)).toBeNull()
    expect(messages.receiveNew(message(7), ME.id)).toBe(3)
  })

  it('a deletion clears the sidebar preview when it was the newest message', () => {
    const messages = useMessagesStore()
    messages.receiveNew(message(3), ME.id)
    messages.applyDeleted({ conversationId: CONVERSATION_ID, messageId: message(3).id, seq: 3, updatedSeq: 4 })
    expect(useConversationsStore().conversations[CONVERSATION_ID]!.lastMessage).toBeNull()
    expect(messages.timelineOf(CONVERSATION_ID).messages.at(-1)?.deletedAt).not.toBeNull()
  })

  it('typing expires on its own when the stop is lost', () => {
    const typing = useTypingStore()
    typing.setTyping({ conversationId: CONVERSATION_ID, userId: OTHER.id, displayName: 'Other', isTyping: true }, 1000)
    expect(typing.typingIn(CONVERSATION_ID, 1000 + TYPING_EXPIRY_MS)).toEqual(['Other'])
    expect(typing.typingIn(CONVERSATION_ID, 1000 + TYPING_EXPIRY_MS + 1000)).toEqual([])
  })

  it('remembers the chosen status and project across reloads, and forgets chat state on sign-out', async () => {
    usePresenceStore().setMyPresence('dnd')
    await nextTick()
    expect(localStorage.getItem('chat.presence')).toBe('dnd')
    expect(localStorage.getItem('chat.project')).toBe(PROJECT_ID)
    inApp(() => useSession().signIn('token', ME))
    expect(useMessagesStore().timelines).toEqual({})
    expect(useConversationsStore().conversations).toEqual({})
    expect(usePresenceStore().myPresence).toBe('dnd')
  })
})

describe('socket listeners', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().setConversations(PROJECT_ID, [conversation({ lastSeq: 1 })])
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [message(1)], false)
  })

  /** Delivers a server event to the listeners the socket plugin registered. */
  function serverSends(event: string, payload: unknown) {
    const socket = useSocket() as unknown as { listeners: (event: string) => ((payload: unknown) => void)[] }
    for (const listener of socket.listeners(event)) listener(payload)
  }

  it('message:new lands in the timeline, counts as unread and ends the sender\'s typing', () => {
    useTypingStore().setTyping({ conversationId: CONVERSATION_ID, userId: OTHER.id, displayName: 'Other', isTyping: true })
    serverSends('message:new', { message: message(2) })
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages.map(m => m.seq)).toEqual([1, 2])
    expect(useConversationsStore().conversations[CONVERSATION_ID]!.unreadCount).toBe(1)
    expect(useTypingStore().typingIn(CONVERSATION_ID, Date.now())).toEqual([])
  })

  it('message:updated and unread:update reach their stores', () => {
    serverSends('message:updated', { message: message(1, { content: 'edited', updatedSeq: 2, editedAt: new Date().toISOString() }) })
    serverSends('unread:update', { conversationId: CONVERSATION_ID, unreadCount: 4, mentionCount: 1 })
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages[0]!.content).toBe('edited')
    expect(useConversationsStore().conversations[CONVERSATION_ID]).toMatchObject({ unreadCount: 4, mentionCount: 1 })
  })

  it('the socket lives in the plugin, never in a store', () => {
    for (const store of [useConversationsStore(), useMessagesStore(), usePresenceStore(), useTypingStore()]) {
      expect(() => JSON.stringify(store.$state)).not.toThrow()
    }
  })
})
