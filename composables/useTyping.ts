const TYPING_THROTTLE_MS = 3000

/** Announces this member's typing, at most once per few seconds per conversation. */
export function useTyping() {
  const socket = useSocket()
  const store = useTypingStore()

  function start(conversationId: string) {
    const now = Date.now()
    if (now - (store.sentAt[conversationId] ?? 0) < TYPING_THROTTLE_MS || !socket.connected) return
    store.setSent(conversationId, now)
    socket.emit('typing:start', { conversationId })
  }

  function stop(conversationId: string) {
    if (store.sentAt[conversationId] === undefined) return
    store.setSent(conversationId, null)
    if (socket.connected) socket.emit('typing:stop', { conversationId })
  }

  return { start, stop }
}
