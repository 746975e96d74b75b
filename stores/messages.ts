import type { Message, UserSummary } from '#shared/types'
import type { MessageDeletedPayload, SyncResult } from '#shared/events'
import * as timeline from '~/utils/chat/timeline'
import type { ChatMessage, MessageStatus, Timeline } from '~/utils/chat/timeline'

/**
 * Each conversation's message timeline and the outbox's bookkeeping. The merge rules live in
 * utils/chat/timeline.ts; this store holds the results and keeps the sidebar preview in step.
 */
export const useMessagesStore = defineStore('messages', () => {
  const timelines = ref<Record<string, Timeline>>({})
  const loadingOlder = ref<Record<string, boolean>>({})
  /** clientIds with a message:send awaiting its ack: a send must not go out twice at once. */
  const sending = ref<Record<string, true>>({})
  /** A sync is running; another waits for it instead of asking for the same pages. */
  const syncing = ref(false)

  const conversations = useConversationsStore()
  const threads = useThreadsStore()

  /** Every local copy still waiting to go out (thread replies too), oldest first within each conversation. */
  const pending = computed(() => [...Object.values(timelines.value).flatMap(timeline.pendingLocals), ...threads.pending])

  function timelineOf(conversationId: string): Timeline {
    return timelines.value[conversationId] ?? timeline.emptyTimeline()
  }

  function update(conversationId: string, change: (t: Timeline) => Timeline) {
    timelines.value[conversationId] = change(timelineOf(conversationId))
  }

  function reset() {
    timelines.value = {}
    loadingOlder.value = {}
    sending.value = {}
    syncing.value = false
    threads.reset()
  }

  /** The sidebar preview follows what the timeline shows: a reply kept in its thread is not news there. */
  function touchPreview(message: Message) {
    if (timeline.inMainTimeline(message)) conversations.touchPreview(message)
  }

  /** A server copy of a message: an ack, an edit, a message:updated. */
  function upsert(message: Message) {
    update(message.conversationId, t => timeline.upsertMessage(t, message))
    threads.receive(message)
    touchPreview(message)
  }

  /** A live message:new. Returns the cursor to sync from when it shows that something was missed. */
  function receiveNew(message: Message, myId: string | undefined): number | null {
    const gapFrom = timeline.gapBefore(timelineOf(message.conversationId), message)
    // A reply kept in its thread is not news in the timeline's unread badge (unread:update corrects it anyway).
    if (timeline.inMainTimeline(message)) conversations.countUnread(message, myId)
    upsert(message)
    return gapFrom
  }

  function applyLatestPage(conversationId: string, page: Message[], hasMore: boolean) {
    update(conversationId, t => timeline.applyLatestPage(t, page, hasMore))
    for (const m of page) {
      threads.receive(m)
      touchPreview(m)
    }
  }

  function applyOlderPage(conversationId: string, page: Message[], hasMore: boolean) {
    update(conversationId, t => timeline.applyOlderPage(t, page, hasMore))
    for (const m of page) threads.receive(m)
  }

  function applySync(result: SyncResult) {
    // Sync pages carry thread replies too: they go to their threads, not the timeline.
    update(result.conversationId, t => timeline.applySync(t, result))
    for (const m of result.messages) {
      threads.receive(m)
      touchPreview(m)
    }
  }

  function applyDeleted(payload: MessageDeletedPayload) {
    update(payload.conversationId, t => timeline.applyDeleted(t, payload, new Date().toISOString()))
    threads.applyDeleted(payload)
    conversations.previewDeleted(payload)
  }

  /** An optimistic copy: a thread reply shows in its thread until the server's copy says where else. */
  function addLocal(message: ChatMessage) {
    if (message.threadRootId) threads.addLocal(message.threadRootId, message)
    else update(message.conversationId, t => timeline.addLocal(t, message))
  }

  type LocalRef = Pick<Message, 'conversationId' | 'clientId'> & Partial<Pick<Message, 'threadRootId'>>

  function setLocalStatus(message: LocalRef, status: MessageStatus, errorMessage?: string) {
    if (message.threadRootId) threads.setLocalStatus(message.threadRootId, message.clientId, status, errorMessage)
    else update(message.conversationId, t => timeline.setLocalStatus(t, message.clientId, status, errorMessage))
  }

  function discardLocal(message: LocalRef) {
    if (message.threadRootId) threads.discardLocal(message.threadRootId, message.clientId)
    else update(message.conversationId, t => timeline.discardLocal(t, message.clientId))
  }

  function setLoadingOlder(conversationId: string, loading: boolean) {
    loadingOlder.value[conversationId] = loading
  }

  function setSending(clientId: string, inFlight: boolean) {
    const { [clientId]: _done, ...rest } = sending.value
    sending.value = inFlight ? { ...rest, [clientId]: true } : rest
  }

  /** A participant's new name or avatar on the messages already shown (`user:updated`). */
  function applySender(user: UserSummary) {
    for (const timeline of Object.values(timelines.value)) {
      for (const m of timeline.messages) if (m.senderId === user.id) m.sender = { ...user }
    }
  }

  function setSyncing(running: boolean) {
    syncing.value = running
  }

  return {
    applySender,
    timelines, loadingOlder, sending, syncing, pending,
    timelineOf, reset, upsert, receiveNew, applyLatestPage, applyOlderPage, applySync, applyDeleted,
    addLocal, setLocalStatus, discardLocal, setLoadingOlder, setSending, setSyncing
  }
})
