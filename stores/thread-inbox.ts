import type { ThreadUnreadPayload } from '#shared/events'
import type { Message, ThreadInboxItem } from '#shared/types'
import type { LoadState } from './conversations'

const newestFirst = (a: ThreadInboxItem, b: ThreadInboxItem) => b.lastReplyAt.localeCompare(a.lastReplyAt)

/** The "Threads" view: threads the member started or replied in, newest activity first, with unread replies. */
export const useThreadInboxStore = defineStore('thread-inbox', () => {
  const threads = ref<ThreadInboxItem[]>([])
  /** The project the list was read for. */
  const projectId = ref<string | null>(null)
  const state = ref<LoadState>('idle')

  /** Threads with replies the member has not read: the sidebar entry's badge. */
  const unreadThreads = computed(() => threads.value.filter(t => t.unreadCount > 0).length)

  function reset() {
    threads.value = []
    projectId.value = null
    state.value = 'idle'
  }

  function setLoading(project: string) {
    if (projectId.value !== project) threads.value = []
    projectId.value = project
    state.value = 'loading'
  }

  function setThreads(project: string, list: ThreadInboxItem[]) {
    projectId.value = project
    threads.value = list.slice().sort(newestFirst)
    state.value = 'ready'
  }

  /** The server's count after a read on any device (`thread:unread`). */
  function setUnread(payload: ThreadUnreadPayload) {
    const item = threads.value.find(t => t.root.id === payload.threadRootId)
    if (item) Object.assign(item, { unreadCount: payload.unreadCount, mentionCount: payload.mentionCount })
  }

  /** A live reply to a listed thread moves it up; one by someone else counts as unread. */
  function receiveReply(message: Message, myId: string | undefined) {
    if (!message.threadRootId) return
    const item = threads.value.find(t => t.root.id === message.threadRootId)
    if (!item || message.createdAt <= item.lastReplyAt) return
    item.replyCount++
    item.lastReplyAt = message.createdAt
    if (message.senderId !== myId) item.unreadCount++
    threads.value.sort(newestFirst)
  }

  function markRead(rootId: string) {
    setUnread({ conversationId: '', threadRootId: rootId, unreadCount: 0, mentionCount: 0 })
  }

  return { threads, projectId, state, unreadThreads, reset, setLoading, setThreads, setUnread, receiveReply, markRead }
})
