import type { Attachment, QuotedMessage, UserSummary } from '#shared/types'
import type { ChatMessage } from '~/utils/chat/timeline'

/** One unsent message as kept in IndexedDB: enough to show it again after a reload and to send it with its clientId. */
export interface OutboxEntry {
  clientId: string
  /** Whose message it is: only that member's app ever shows or sends it. */
  userId: string
  conversationId: string
  content: string
  threadRootId: string | null
  alsoToConversation: boolean
  replyTo: QuotedMessage | null
  /** The uploaded files it carries (their ids go out; the rest shows the local copy). */
  attachments: Attachment[]
  createdAt: string
  /** failed: refused for good; kept until the member retries or discards it. */
  status: 'pending' | 'failed'
  errorMessage?: string
}

/** The outbox record of a local copy (plain data: IndexedDB cannot clone Vue's proxies). */
export function entryFromMessage(message: ChatMessage, userId: string): OutboxEntry {
  const entry: OutboxEntry = {
    clientId: message.clientId,
    userId,
    conversationId: message.conversationId,
    content: message.content,
    threadRootId: message.threadRootId,
    alsoToConversation: message.alsoInConversation === true,
    replyTo: message.replyTo ?? null,
    attachments: message.attachments,
    createdAt: message.createdAt,
    status: message.status === 'failed' ? 'failed' : 'pending',
    ...(message.errorMessage ? { errorMessage: message.errorMessage } : {})
  }
  return JSON.parse(JSON.stringify(entry)) as OutboxEntry
}

/** The local copy an outbox record shows as: "Sending…" (or failed, with its reason) until the server's copy replaces it. */
export function messageFromEntry(entry: OutboxEntry, sender: UserSummary): ChatMessage {
  return {
    id: `local-${entry.clientId}`,
    conversationId: entry.conversationId,
    seq: 0,
    updatedSeq: 0,
    clientId: entry.clientId,
    senderId: entry.userId,
    sender: { id: sender.id, displayName: sender.displayName, avatarUrl: sender.avatarUrl },
    type: 'text',
    content: entry.content,
    contentHtml: '',
    replyToId: entry.replyTo?.id ?? null,
    threadRootId: entry.threadRootId,
    alsoInConversation: !!entry.threadRootId && entry.alsoToConversation,
    replyCount: 0,
    thread: null,
    replyTo: entry.replyTo,
    reactions: [],
    attachments: entry.attachments,
    mentions: [],
    pinnedAt: null,
    editedAt: null,
    deletedAt: null,
    createdAt: entry.createdAt,
    status: entry.status,
    ...(entry.errorMessage ? { errorMessage: entry.errorMessage } : {})
  }
}

type Queued = Pick<OutboxEntry, 'clientId' | 'createdAt'> & { status: string }

/**
 * What a flush sends, in the order it sends it: pending ones only (failed ones wait for the
 * member), oldest first, one per clientId (the same send may be known in memory and on disk).
 */
export function flushOrder<T extends Queued>(queued: readonly T[]): T[] {
  const byClientId = new Map<string, T>()
  for (const q of queued) if (q.status === 'pending' && !byClientId.has(q.clientId)) byClientId.set(q.clientId, q)
  return [...byClientId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.clientId.localeCompare(b.clientId))
}
