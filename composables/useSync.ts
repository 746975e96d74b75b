import { SYNC_REQUEST_MAX_CONVERSATIONS } from '#shared/limits'

/** Catches loaded conversations up over sync:request: after a reconnect, after opening one, after a gap. */
export function useSync() {
  const socket = useSocket()
  const store = useMessagesStore()

  async function run(only: string[] | undefined, from: Record<string, number> | undefined) {
    let batch = (only ?? Object.keys(store.timelines).filter(id => store.timelineOf(id).loaded))
      .map(conversationId => ({ conversationId, afterSeq: from?.[conversationId] ?? store.timelineOf(conversationId).cursor }))
    while (batch.length && socket.connected) {
      // The server takes a bounded number of conversations per request: the rest waits for the next round.
      const chunk = batch.slice(0, SYNC_REQUEST_MAX_CONVERSATIONS)
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync:request', { conversations: chunk })
      if (!ack.ok && ack.error.code === 'RATE_LIMITED') {
        await new Promise(resolve => setTimeout(resolve, Number(ack.error.details?.retryAfterMs) || 1000))
        continue
      }
      if (!ack.ok) throw new Error(ack.error.message)
      const next = batch.slice(SYNC_REQUEST_MAX_CONVERSATIONS)
      for (const result of ack.results) {
        store.applySync(result)
        // lastSeq of a partial page is its last updatedSeq: the next page starts exactly there.
        if (result.hasMore) next.push({ conversationId: result.conversationId, afterSeq: result.lastSeq })
      }
      batch = next
    }
  }

  /** Syncs loaded conversations (or `only` these) from their cursors, or from `from` when a gap was seen below the cursor. */
  async function syncAll(only?: string[], from?: Record<string, number>) {
    // A sync waits behind a running one instead of asking for the same pages twice.
    while (store.syncing) await until(() => store.syncing).toBe(false)
    store.setSyncing(true)
    try {
      await run(only, from)
    } finally {
      store.setSyncing(false)
    }
  }

  return { syncAll }
}
