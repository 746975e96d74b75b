import type { Message } from '#shared/types'
import type { MessageDeletedPayload } from '#shared/events'
import * as timeline from '~/utils/chat/timeline'
import type { ChatMessage, MessageStatus, ThreadTimeline } from '~/utils/chat/timeline'

/**
 * The threads the member opened this session: root and replies per root id. Replies arrive here
 * from the thread's REST pages, live message:new, sync pages and the outbox, whatever the main
 * timeline shows of them.
 */
export const useThreadsStore = defineStore('threads', () => {
  const threads = ref<Record<string, ThreadTimeline>>({})
  const loading = ref<Record<string, boolean>>({})

  /** Local replies still waiting to go out, for the outbox's flush. */
  const pending = computed(() => Object.values(threads.value).flatMap(timeline.pendingLocals))

  function threadOf(rootId: string): ThreadTimeline {
    return threads.value[rootId] ?? timeline.emptyThread()
  }

  function update(rootId: string, change: (t: ThreadTimeline) => ThreadTimeline) {
    threads.value[rootId] = change(threadOf(rootId))
  }

  function reset() {
    threads.value = {}
    loading.value = {}
  }

  function applyPage(rootId: string, root: Message, replies: Message[], hasMore: boolean) {
    update(rootId, t => timeline.applyThreadPage(t, root, replies, hasMore))
  }

  /**
   * A server copy of any message: a reply joins its thread (held only once the thread was opened:
   * opening reads it from the start), a root refreshes the thread's header.
   */
  function receive(message: Message) {
    if (message.threadRootId && threads.value[message.threadRootId]) {
      update(message.threadRootId, t => timeline.upsertThreadReply(t, message))
    }
    const asRoot = threads.value[message.id]
    if (asRoot?.root) update(message.id, t => ({ ...t, root: timeline.updateRoot(t.root, message) }))
  }

  function applyDeleted(payload: MessageDeletedPayload) {
    const deletedAt = new Date().toISOString()
    for (const [rootId, thread] of Object.entries(threads.value)) {
      if (thread.root?.id === payload.messageId && thread.root.updatedSeq < payload.updatedSeq) {
        update(rootId, t => ({ ...t, root: t.root && { ...t.root, deletedAt, content: '', contentHtml: '', attachments: [], updatedSeq: payload.updatedSeq } }))
      } else if (thread.messages.some(m => m.id === payload.messageId)) {
        update(rootId, t => timeline.applyDeleted(t, payload, deletedAt))
      }
    }
  }

  function addLocal(rootId: string, message: ChatMessage) {
    update(rootId, t => timeline.addLocal(t, message))
  }

  function setLocalStatus(rootId: string, clientId: string, status: MessageStatus, errorMessage?: string) {
    if (threads.value[rootId]) update(rootId, t => timeline.setLocalStatus(t, clientId, status, errorMessage))
  }

  function discardLocal(rootId: string, clientId: string) {
    if (threads.value[rootId]) update(rootId, t => timeline.discardLocal(t, clientId))
  }

  function setLoading(rootId: string, value: boolean) {
    loading.value[rootId] = value
  }

  return { threads, loading, pending, threadOf, reset, applyPage, receive, applyDeleted, addLocal, setLocalStatus, discardLocal, setLoading }
})
