import { HISTORY_PAGE_DEFAULT } from '#shared/limits'
import { cacheablePage } from '~/utils/offline/page-cache'
import { readCachedPage, readCachedSidebar, saveCachedPage, saveCachedSidebar } from '~/utils/offline/offline-db'

/**
 * The device's copy of what the member last saw: the sidebar and the newest page of the last
 * CACHED_CONVERSATIONS conversations opened. Written while online; read when the app starts or
 * opens a conversation without a network (read-only until it reconnects; the composer still queues).
 */
export function useOfflineCache() {
  const auth = useAuthStore()
  const conversations = useConversationsStore()
  const messages = useMessagesStore()

  /** Keeps the newest page of this conversation as it stands in the timeline now. */
  async function savePage(conversationId: string) {
    const userId = auth.user?.id
    const timeline = messages.timelineOf(conversationId)
    if (!userId || !timeline.loaded) return
    const page = cacheablePage(timeline.messages, HISTORY_PAGE_DEFAULT)
    const hasMore = timeline.hasMoreBefore || timeline.messages.filter(m => m.seq > 0).length > page.length
    await saveCachedPage({ conversationId, userId, messages: page, hasMore, savedAt: Date.now() })
  }

  /** Shows the cached newest page of a conversation; false when none is kept. */
  async function restorePage(conversationId: string): Promise<boolean> {
    const userId = auth.user?.id
    if (!userId) return false
    const page = await readCachedPage(conversationId, userId)
    if (!page) return false
    messages.applyLatestPage(conversationId, page.messages, page.hasMore)
    return true
  }

  /** Keeps the sidebar of the selected project (after it was read from the server). */
  async function saveSidebar() {
    const userId = auth.user?.id
    if (!userId || conversations.bootstrap !== 'ready') return
    await saveCachedSidebar({
      userId,
      projects: conversations.projects,
      projectId: conversations.currentProjectId,
      conversations: [...conversations.channels, ...conversations.directMessages],
      savedAt: Date.now()
    })
  }

  /** Shows the cached sidebar; false when none is kept. The next successful bootstrap replaces it. */
  async function restoreSidebar(): Promise<boolean> {
    const userId = auth.user?.id
    if (!userId) return false
    const sidebar = await readCachedSidebar(userId)
    if (!sidebar) return false
    conversations.setProjects(sidebar.projects)
    if (sidebar.projectId) {
      conversations.selectProject(sidebar.projectId)
      conversations.setConversations(sidebar.projectId, sidebar.conversations)
    }
    return true
  }

  return { savePage, restorePage, saveSidebar, restoreSidebar }
}
