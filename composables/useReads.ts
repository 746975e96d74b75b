import { newestConfirmed } from '~/utils/chat/timeline'

/**
 * Read receipts: tells the server how far the member has read, once per new message — only while
 * they can see it: the page visible and its window focused. A tab open behind another window or in
 * the background reads nothing.
 */
export function useReads() {
  const socket = useSocket()
  const messages = useMessagesStore()
  const conversations = useConversationsStore()
  const { visible } = useClientState()

  function markRead(conversationId: string) {
    const last = newestConfirmed(messages.timelineOf(conversationId))
    if (!last || !socket.connected || !visible.value) return
    if (last.seq <= (conversations.readSeq[conversationId] ?? 0) && !conversations.conversations[conversationId]?.unreadCount) return
    conversations.markRead(conversationId, last.seq)
    socket.emit('read:mark', { conversationId, seq: last.seq })
  }

  return { markRead, visible }
}
