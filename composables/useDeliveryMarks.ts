/** The least time between two flushes of delivered:mark (the contract: at most once a second). */
const FLUSH_INTERVAL_MS = 1000

/**
 * Tells the server how far this device holds each DM (`delivered:mark`), batched: marks wait and go
 * out together at most once a second, one per conversation with its newest seq. Follows the DMs'
 * newest seq in the sidebar store, which every arrival moves: a live message, a sync after a
 * reconnect, a sidebar read. Made once, by the socket plugin.
 */
export function useDeliveryMarks() {
  const socket = useSocket()
  const auth = useAuthStore()
  const store = useReceiptsStore()
  const conversations = useConversationsStore()
  const pending = new Map<string, number>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastFlush = 0

  function flush() {
    clearTimeout(timer)
    timer = undefined
    // Held while offline: the next connect flushes them.
    if (!socket.connected || pending.size === 0) return
    lastFlush = Date.now()
    for (const [conversationId, seq] of pending) {
      socket.emit('delivered:mark', { conversationId, seq })
      store.noteDeliveredSent(conversationId, seq)
    }
    pending.clear()
  }

  function note(conversationId: string, seq: number) {
    if (seq <= (store.deliveredSent[conversationId] ?? 0) || seq <= (pending.get(conversationId) ?? 0)) return
    pending.set(conversationId, seq)
    timer ??= setTimeout(flush, Math.max(0, lastFlush + FLUSH_INTERVAL_MS - Date.now()))
  }

  const newest = computed(() => Object.values(conversations.conversations)
    .filter(c => c.type === 'direct' && c.lastSeq > 0)
    .map(c => [c.id, c.lastSeq] as const))
  watch(newest, (list) => {
    for (const [id, seq] of list) note(id, seq)
  }, { immediate: true })

  watch(() => auth.user?.id, () => {
    pending.clear()
    clearTimeout(timer)
    timer = undefined
  })

  return { flush }
}
