import type { Message } from '#shared/types'
import type { MessageDeletedPayload, SyncResult } from '#shared/events'

/**
 * One conversation's messages as the client holds them, and the rules for merging what the server
 * sends. Pure and framework-free: every function returns a new timeline and leaves its input alone.
 */

export type MessageStatus = 'pending' | 'sent' | 'failed'

/** A message as the client holds it: the wire shape plus its delivery state. */
export interface ChatMessage extends Message {
  status: MessageStatus
  errorMessage?: string
}

export interface Timeline {
  /** Confirmed messages in seq order, then local (unsent) ones in the order they were written. */
  messages: ChatMessage[]
  /** Highest seq/updatedSeq seen: what a sync asks after. */
  cursor: number
  /** The newest page of history has been read; sync and gap detection only apply from then on. */
  loaded: boolean
  hasMoreBefore: boolean
}

export function emptyTimeline(): Timeline {
  return { messages: [], cursor: 0, loaded: false, hasMoreBefore: false }
}

/** Local messages have no seq yet; they sit after every confirmed one. */
export const isLocal = (m: Pick<Message, 'seq'>) => m.seq === 0

/** The oldest confirmed message, where paging backwards starts. */
export function oldestConfirmed(timeline: Timeline): ChatMessage | undefined {
  return timeline.messages.find(m => !isLocal(m))
}

/** The newest confirmed message, the one a read marker points at. */
export function newestConfirmed(timeline: Timeline): ChatMessage | undefined {
  return timeline.messages.findLast(m => !isLocal(m))
}

/** Index where a confirmed message with this seq belongs (before any local ones). */
function insertionIndex(list: ChatMessage[], seq: number) {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const item = list[mid]!
    if (!isLocal(item) && item.seq < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface UpsertOptions {
  /** Skip a message older than the loaded window: it would leave a hole that scrolling up fills anyway. */
  skipIfOlderThanLoaded?: boolean
}

/**
 * Merges a server message: replaces an older copy with the same id, takes the place of the local
 * copy with the same clientId and sender, and otherwise goes in by seq. A copy that is not newer
 * (by updatedSeq) than the one held is ignored, so an ack and its message:new meet in either order.
 */
export function upsertMessage(timeline: Timeline, message: Message, options: UpsertOptions = {}): Timeline {
  const cursor = Math.max(timeline.cursor, message.seq, message.updatedSeq)
  const incoming: ChatMessage = { ...message, status: 'sent' }
  const byId = timeline.messages.findIndex(m => m.id === message.id)
  if (byId !== -1) {
    if (message.updatedSeq < timeline.messages[byId]!.updatedSeq) return { ...timeline, cursor }
    const messages = timeline.messages.slice()
    messages[byId] = incoming
    return { ...timeline, messages, cursor }
  }
  const messages = timeline.messages.filter(m => !(isLocal(m) && m.clientId === message.clientId && m.senderId === message.senderId))
  const first = messages.find(m => !isLocal(m))
  if (options.skipIfOlderThanLoaded && timeline.hasMoreBefore && first && message.seq < first.seq) {
    return { ...timeline, messages, cursor }
  }
  messages.splice(insertionIndex(messages, message.seq), 0, incoming)
  return { ...timeline, messages, cursor }
}

/** Merges several server messages in one go. */
export function upsertMessages(timeline: Timeline, list: Message[], options: UpsertOptions = {}): Timeline {
  return list.reduce((t, m) => upsertMessage(t, m, options), timeline)
}

/** The newest page of history: replaces what was confirmed (it may be stale) and keeps unsent local copies. */
export function applyLatestPage(timeline: Timeline, page: Message[], hasMore: boolean): Timeline {
  const kept = { ...timeline, messages: timeline.messages.filter(isLocal) }
  return { ...upsertMessages(kept, page), loaded: true, hasMoreBefore: hasMore }
}

/** An older page of history, read backwards from the oldest confirmed message. */
export function applyOlderPage(timeline: Timeline, page: Message[], hasMore: boolean): Timeline {
  return { ...upsertMessages(timeline, page), hasMoreBefore: hasMore }
}

/**
 * One page of a sync answer. The cursor moves to the conversation's counter only once the last
 * page is in: a partial page ends at its last updatedSeq, where the next one starts.
 */
export function applySync(timeline: Timeline, result: Pick<SyncResult, 'messages' | 'hasMore' | 'lastSeq'>): Timeline {
  const next = upsertMessages(timeline, result.messages, { skipIfOlderThanLoaded: true })
  return result.hasMore ? next : { ...next, cursor: Math.max(next.cursor, result.lastSeq) }
}

/** A deletion: the message becomes a tombstone unless what is held is already newer. */
export function applyDeleted(timeline: Timeline, payload: Pick<MessageDeletedPayload, 'messageId' | 'updatedSeq'>, deletedAt: string): Timeline {
  const cursor = Math.max(timeline.cursor, payload.updatedSeq)
  const index = timeline.messages.findIndex(m => m.id === payload.messageId)
  const held = timeline.messages[index]
  if (!held || held.updatedSeq >= payload.updatedSeq) return { ...timeline, cursor }
  const messages = timeline.messages.slice()
  messages[index] = { ...held, deletedAt, content: '', contentHtml: '', attachments: [], updatedSeq: payload.updatedSeq }
  return { ...timeline, messages, cursor }
}

/**
 * Where to sync from when this live message skips counter values (something was missed, e.g.
 * while Redis was away), else null. Edits take counter values too, so at worst this syncs for nothing.
 */
export function gapBefore(timeline: Timeline, message: Pick<Message, 'seq'>): number | null {
  return timeline.loaded && message.seq > timeline.cursor + 1 ? timeline.cursor : null
}

/** Appends an optimistic copy; it shows at once and is matched to the server's by clientId. */
export function addLocal(timeline: Timeline, message: ChatMessage): Timeline {
  return { ...timeline, messages: [...timeline.messages, message] }
}

/** Sets the delivery state of the local copy with this clientId. */
export function setLocalStatus(timeline: Timeline, clientId: string, status: MessageStatus, errorMessage?: string): Timeline {
  const index = timeline.messages.findIndex(m => isLocal(m) && m.clientId === clientId)
  if (index === -1) return timeline
  const messages = timeline.messages.slice()
  messages[index] = { ...messages[index]!, status, errorMessage }
  return { ...timeline, messages }
}

/** Drops the local copy with this clientId (a failed send the member gave up on). */
export function discardLocal(timeline: Timeline, clientId: string): Timeline {
  return { ...timeline, messages: timeline.messages.filter(m => !(isLocal(m) && m.clientId === clientId)) }
}

/** Local copies still waiting to go out. */
export function pendingLocals(timeline: Timeline): ChatMessage[] {
  return timeline.messages.filter(m => isLocal(m) && m.status === 'pending')
}

/** The confirmed message with this seq, if it is in the window. */
export function messageAtSeq(timeline: Timeline, seq: number): ChatMessage | undefined {
  return timeline.messages.find(m => m.seq === seq)
}
