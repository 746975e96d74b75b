import { newestConfirmed } from '~/utils/chat/timeline'

/** Read receipts: tells the server how far the member has read, once per new message. */
export function useReads() {
  const socket = useSocket()
  const messages = useMessagesStore()
  const conversations = useConversationsStore()

  function markRead(conversationId: string) {
    const last = newestConfirmed(messages.timelineOf(conversationId))
    if (!last || !socket.connected) return
    if (last.seq <= (conversations.readSeq[conversationId] ?? 0) && !conversations.conversations[conversationId]?.unreadCount) return
    conversations.markRead(conversationId, last.seq)
    socket.emit('read:mark', { conversationId, seq: last.seq })
  }

  return { markRead }
}
