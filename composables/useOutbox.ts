import type { Attachment, QuotedMessage } from '#shared/types'
import type { ChatMessage } from '~/utils/chat/timeline'

/**
 * Sending with exactly-once delivery: a message shows at once as a local copy, goes out with its
 * clientId, and is re-sent with the same clientId after a reconnect until the server acks it.
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
        store.upsert(ack.message)
      } else if (ack.error.code === 'UNAVAILABLE' && retryLater(message, ack.error.details?.retryAfterMs)) {
        // The server is briefly without its database: the message stays "Sending…".
      } else {
        retries.delete(message.clientId)
        store.setLocalStatus(message, 'failed', describeError(ack.error))
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
    void deliver(message)
  }

  function retry(message: ChatMessage) {
    retries.delete(message.clientId)
    store.setLocalStatus(message, 'pending')
    void deliver({ ...message, status: 'pending' })
  }

  function discard(message: ChatMessage) {
    retries.delete(message.clientId)
    store.discardLocal(message)
  }

  /** Sends every local copy still waiting, e.g. after a reconnect. */
  function flush() {
    for (const message of store.pending) void deliver(message)
  }

  return { send, retry, discard, flush }
}
