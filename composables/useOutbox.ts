import type { Attachment, QuotedMessage } from '#shared/types'
import type { ChatMessage } from '~/utils/chat/timeline'
import { entryFromMessage, flushOrder, messageFromEntry } from '~/utils/offline/outbox-entries'
import { deleteOutboxEntry, outboxEntries, putOutboxEntry } from '~/utils/offline/offline-db'
import { isOutboxNote, openOutboxChannel, type OutboxNote } from '~/utils/offline/outbox-tabs'

/**
 * Sending with exactly-once delivery: a message shows at once as a local copy, goes out with its
 * clientId, and is re-sent with the same clientId after a reconnect until the server acks it.
 * Every unsent message is also kept in IndexedDB (utils/offline/), so it survives a reload or a
 * closed tab; a flush runs under a Web Lock, so with several tabs open one of them sends.
 */
export interface SendOptions {
  threadRootId?: string
  /** With threadRootId: show the reply in the conversation's timeline too. */
  alsoToConversation?: boolean
  replyTo?: QuotedMessage
}

/** How long a send keeps retrying on its own (server briefly unavailable, ack lost) before it shows as failed. */
export const SEND_RETRY_CAP_MS = 120_000

/** When each unacked send was first tried and how often it was retried, by clientId (shared by every useOutbox()). */
const retries = new Map<string, { since: number, attempts: number }>()

/** The Web Lock a flush holds: tabs of one browser take turns, so one of them sends what waited. */
export const OUTBOX_LOCK = 'chat-outbox'

/** Writes to the device's outbox, one after another: a delete on ack never overtakes the write of the same send. */
let deviceWrites: Promise<void> = Promise.resolve()
function onDevice(what: string, write: () => Promise<void>) {
  deviceWrites = deviceWrites.then(write).catch(logFailure(what))
  return deviceWrites
}

/** This tab's end of the channel to its sibling tabs, opened on first use (undefined: not yet). */
let channel: BroadcastChannel | null | undefined
const outboxChannel = () => (channel === undefined ? (channel = openOutboxChannel()) : channel)
/** Tells the browser's other tabs, once the write it follows has landed, that the outbox changed. */
const tellOtherTabs = (note: OutboxNote) => outboxChannel()?.postMessage(note)

/** The flush running in this tab, if any (shared by every useOutbox()). */
let flushing: Promise<void> | null = null

/** Runs `work` holding the outbox lock where the browser has Web Locks, else at once. */
function withOutboxLock(work: () => Promise<void>): Promise<void> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  // request() resolves with what the callback returned: here its promise, so flatten it.
  return locks ? locks.request(OUTBOX_LOCK, work).then(() => undefined) : work()
}

/** The wait before the next automatic retry: the server's retryAfterMs when given, growing gently, with jitter. */
export function sendRetryDelayMs(attempts: number, retryAfterMs?: unknown): number {
  const backoff = Math.min(500 * 1.5 ** Math.max(0, attempts - 1), 5000)
  return Math.max(typeof retryAfterMs === 'number' ? retryAfterMs : 0, backoff) * (1 + Math.random() * 0.2)
}

export function useOutbox() {
  const socket = useSocket()
  const store = useMessagesStore()
  const auth = useAuthStore()
  const toast = useToast()
  const threads = useThreadsStore()

  /** The member's copy of this send on the device: written on send, rewritten on failure, gone on ack. */
  function keep(message: ChatMessage) {
    const userId = auth.user?.id
    if (!userId) return
    void onDevice('keeping an unsent message', async () => {
      await putOutboxEntry(entryFromMessage(message, userId))
      tellOtherTabs({ kind: 'kept', userId, clientId: message.clientId, conversationId: message.conversationId })
    })
  }
  const forget = (clientId: string) => void onDevice('dropping a sent message', () => deleteOutboxEntry(clientId))

  /** The local copy with this clientId held in a timeline or thread, and whether its server copy is held already. */
  function held(clientId: string): { local: boolean, confirmed: boolean } {
    const all = [...Object.values(store.timelines), ...Object.values(threads.threads)].flatMap(t => t.messages)
    return {
      local: all.some(m => m.seq === 0 && m.clientId === clientId),
      confirmed: all.some(m => m.seq > 0 && m.clientId === clientId && m.senderId === auth.user?.id)
    }
  }

  /**
   * Tries again later with the same clientId, the message still showing "Sending…", until
   * SEND_RETRY_CAP_MS after its first retryable failure. Returns false once past the cap.
   */
  function retryLater(message: ChatMessage, retryAfterMs?: unknown): boolean {
    const tries = retries.get(message.clientId) ?? { since: Date.now(), attempts: 0 }
    if (Date.now() - tries.since > SEND_RETRY_CAP_MS) return false
    tries.attempts++
    retries.set(message.clientId, tries)
    setTimeout(() => {
      const current = store.pending.find(m => m.clientId === message.clientId)
      if (current) void deliver(current)
    }, sendRetryDelayMs(tries.attempts, retryAfterMs))
    return true
  }

  async function deliver(message: ChatMessage) {
    if (!socket.connected || store.sending[message.clientId]) return
    store.setSending(message.clientId, true)
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', {
        clientId: message.clientId,
        conversationId: message.conversationId,
        content: message.content,
        ...(message.replyToId ? { replyToId: message.replyToId } : {}),
        ...(message.threadRootId ? { threadRootId: message.threadRootId, alsoToConversation: message.alsoInConversation } : {}),
        ...(message.attachments.length ? { attachmentIds: message.attachments.map(a => a.id) } : {})
      })
      if (ack.ok) {
        retries.delete(message.clientId)
        forget(message.clientId)
        store.upsert(ack.message)
      } else if (ack.error.code === 'UNAVAILABLE' && retryLater(message, ack.error.details?.retryAfterMs)) {
        // The server is briefly without its database: the message stays "Sending…".
      } else {
        retries.delete(message.clientId)
        store.setLocalStatus(message, 'failed', describeError(ack.error))
        // Refused for good: kept as failed until the member retries or discards it.
        keep({ ...message, status: 'failed', errorMessage: describeError(ack.error) })
        // One toast for a burst of refused sends, not one per message.
        if ((ack.error.code === 'RATE_LIMITED' || ack.error.code === 'SLOW_MODE') && !toast.toasts.value.some(t => t.id === 'send-throttled')) {
          toast.add({ id: 'send-throttled', title: describeError(ack.error), color: 'warning', icon: 'i-lucide-timer' })
        }
      }
    } catch {
      // Lost connection: stay pending, the reconnect flush re-sends with the same clientId. Connected
      // but unanswered: retried with the same clientId (a send that did commit comes back as the same message).
      if (socket.connected && !retryLater(message)) {
        retries.delete(message.clientId)
        store.setLocalStatus(message, 'failed', 'No reply from the server')
        keep({ ...message, status: 'failed', errorMessage: 'No reply from the server' })
      }
    } finally {
      store.setSending(message.clientId, false)
    }
  }

  /**
   * Sends what the member typed with the files they uploaded. Files alone go out with empty text:
   * the server stores them as a file message. A thread reply names its root; a quote reply the
   * message it answers (its summary shows on the local copy until the server's arrives).
   */
  function send(conversationId: string, content: string, attachments: Attachment[] = [], options: SendOptions = {}) {
    const user = auth.user
    if (!user || (!content && !attachments.length)) return
    const clientId = crypto.randomUUID()
    const message: ChatMessage = {
      id: `local-${clientId}`,
      conversationId,
      seq: 0,
      updatedSeq: 0,
      clientId,
      senderId: user.id,
      sender: { id: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl },
      type: 'text',
      content,
      contentHtml: '',
      replyToId: options.replyTo?.id ?? null,
      threadRootId: options.threadRootId ?? null,
      alsoInConversation: !!options.threadRootId && !!options.alsoToConversation,
      replyCount: 0,
      thread: null,
      replyTo: options.replyTo ?? null,
      reactions: [],
      attachments,
      mentions: [],
      pinnedAt: null,
      editedAt: null,
      deletedAt: null,
      createdAt: new Date().toISOString(),
      status: 'pending'
    }
    store.addLocal(message)
    keep(message)
    // A flush under way sends in order what waits, this one included once it is done.
    if (flushing) void flushing.then(flush)
    else void deliver(message)
  }

  function retry(message: ChatMessage) {
    retries.delete(message.clientId)
    store.setLocalStatus(message, 'pending')
    keep({ ...message, status: 'pending', errorMessage: undefined })
    void deliver({ ...message, status: 'pending' })
  }

  function discard(message: ChatMessage) {
    retries.delete(message.clientId)
    store.discardLocal(message)
    const userId = auth.user?.id
    void onDevice('dropping a discarded message', async () => {
      await deleteOutboxEntry(message.clientId)
      if (userId) tellOtherTabs({ kind: 'discarded', userId, clientId: message.clientId, conversationId: message.conversationId, threadRootId: message.threadRootId })
    })
  }

  /**
   * Shows the member's unsent messages kept on the device (from before a reload, or written in
   * another tab) as local copies: pending ones "Sending…", refused ones failed with their reason.
   */
  async function restore() {
    const user = auth.user
    if (!user) return
    // Reads after this tab's own writes (an ack's delete) have landed.
    await deviceWrites
    const entries = await outboxEntries(user.id).catch((error: unknown) => {
      logFailure('reading unsent messages')(error)
      return []
    })
    if (auth.user?.id !== user.id) return
    for (const entry of [...entries].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const { local, confirmed } = held(entry.clientId)
      if (confirmed) forget(entry.clientId)
      else if (!local) store.addLocal(messageFromEntry(entry, user))
    }
  }

  /** A sibling tab kept a send: show it here too, with the status the device holds (pending, or failed and why). */
  async function showKept(clientId: string) {
    await restore()
    const user = auth.user
    const entry = user ? (await outboxEntries(user.id).catch(() => [])).find(e => e.clientId === clientId) : undefined
    if (entry && held(clientId).local && !store.sending[clientId]) store.setLocalStatus(entry, entry.status, entry.errorMessage)
  }

  /**
   * Follows the outbox writes of the browser's other tabs (see utils/offline/outbox-tabs.ts).
   * Their sends once acked need no note: the server's copy reaches every tab and replaces the local one.
   * Returns the function that stops listening.
   */
  function listenToOtherTabs(): () => void {
    const open = outboxChannel()
    if (!open) return () => {}
    const onNote = ({ data }: MessageEvent<unknown>) => {
      if (!isOutboxNote(data) || data.userId !== auth.user?.id) return
      if (data.kind === 'kept') void showKept(data.clientId).catch(logFailure('showing a message queued in another tab'))
      else if (held(data.clientId).local) {
        retries.delete(data.clientId)
        store.discardLocal(data)
      }
    }
    open.addEventListener('message', onNote)
    return () => open.removeEventListener('message', onNote)
  }

  /** Sends what waits, oldest first, one at a time so the order holds; re-reads the queue after each send. */
  async function drain() {
    const tried = new Set<string>()
    while (socket.connected) {
      await restore()
      const next = flushOrder(store.pending).find(m => !tried.has(m.clientId))
      if (!next) return
      tried.add(next.clientId)
      await deliver(next)
    }
  }

  /** Sends every local copy still waiting (this tab's and the device's), e.g. after a reconnect. */
  function flush(): Promise<void> {
    flushing ??= withOutboxLock(drain)
      .catch(logFailure('sending unsent messages'))
      .finally(() => { flushing = null })
    return flushing
  }

  return { send, retry, discard, flush, restore, listenToOtherTabs }
}
