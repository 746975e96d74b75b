import type { Message } from '#shared/types'
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from '#shared/limits'
import { oldestConfirmed } from '~/utils/chat/timeline'
import { takeEarlyConversation } from '~/utils/boot/early-requests'
import { afterNextPaint } from '~/utils/boot/after-next-paint'
import { isNetworkError } from '~/utils/offline/network'

interface HistoryPage { messages: Message[], hasMore: boolean }

const isPage = (answer: unknown): answer is HistoryPage =>
  typeof answer === 'object' && answer !== null && Array.isArray((answer as HistoryPage).messages) && typeof (answer as HistoryPage).hasMore === 'boolean'

/** Reads a conversation's history over REST: the newest page, older pages, and back to a given seq. */
export function useHistory() {
  const api = useApi()
  const store = useMessagesStore()
  const socket = useSocket()
  const sync = useSync()
  const offlineCache = useOfflineCache()

  const fetchPage = (conversationId: string, query: { limit: number, beforeSeq?: number }) =>
    api<HistoryPage>(`/api/conversations/${conversationId}/messages`, { query })

  /** The newest page, once per conversation and session. */
  async function loadLatest(conversationId: string) {
    if (store.timelineOf(conversationId).loaded) return
    let page: HistoryPage
    try {
      // The page shell may have asked already (utils/boot/early-requests.ts).
      const early = await takeEarlyConversation('messages', conversationId)
      page = isPage(early) ? early : await fetchPage(conversationId, { limit: HISTORY_PAGE_DEFAULT })
    } catch (error) {
      // Without a network the page kept on this device shows; the sync after reconnecting catches it up.
      if (isNetworkError(error) && await offlineCache.restorePage(conversationId).catch(() => false)) return
      throw error
    }
    store.applyLatestPage(conversationId, page.messages, page.hasMore)
    // Copying the page into IndexedDB (~50 messages) waits for the conversation to paint first.
    afterNextPaint(() => offlineCache.savePage(conversationId).catch(logFailure('keeping the page on this device')))
    // Closes the window between the REST read and the socket joining the room.
    if (socket.connected) sync.syncAll([conversationId]).catch((error: unknown) => console.warn('[chat] sync after open failed', error))
  }

  /** One page further back; reports whether it read anything. */
  async function loadOlder(conversationId: string, limit = HISTORY_PAGE_DEFAULT): Promise<boolean> {
    const timeline = store.timelineOf(conversationId)
    const first = oldestConfirmed(timeline)
    if (!timeline.hasMoreBefore || store.loadingOlder[conversationId] || !first) return false
    store.setLoadingOlder(conversationId, true)
    try {
      const page = await fetchPage(conversationId, { limit, beforeSeq: first.seq })
      store.applyOlderPage(conversationId, page.messages, page.hasMore)
      return page.messages.length > 0
    } finally {
      store.setLoadingOlder(conversationId, false)
    }
  }

  /**
   * Makes sure the message with this seq is in the loaded window. Pages backwards so the window
   * stays contiguous with the live end (sync and live delivery assume no holes).
   */
  async function loadUntil(conversationId: string, seq: number) {
    for (;;) {
      const timeline = store.timelineOf(conversationId)
      const first = oldestConfirmed(timeline)
      if (!timeline.loaded || !first || first.seq <= seq || !timeline.hasMoreBefore) return
      if (store.loadingOlder[conversationId]) {
        await until(() => !!store.loadingOlder[conversationId]).toBe(false)
        continue
      }
      if (!(await loadOlder(conversationId, HISTORY_PAGE_MAX))) return
    }
  }

  return { loadLatest, loadOlder, loadUntil }
}
