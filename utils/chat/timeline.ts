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

/**
 * Whether a message belongs in its conversation's main timeline: thread replies live in their
 * thread unless they were also sent to the conversation.
 */
export const inMainTimeline = (m: Pick<Message, 'threadRootId' | 'alsoInConversation'>) => !m.threadRootId || m.alsoInConversation === true

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
  // A thread reply still moves the cursor (it took a counter value) but shows in its thread only.
  if (!inMainTimeline(message)) return { ...timeline, cursor: Math.max(timeline.cursor, message.seq, message.updatedSeq) }
  return mergeMessage(timeline, message, options)
}

/** upsertMessage without the main timeline's visibility rule: a thread's list holds its replies. */
function mergeMessage<T extends Timeline>(timeline: T, message: Message, options: UpsertOptions = {}): T {
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

/**
 * The newest page of history: replaces what was confirmed up to the page's newest message (it may be
 * stale) and keeps unsent local copies. Confirmed messages newer than the page arrived live after
 * the page was read (or the page came from a read replica a moment behind): they stay, since the
 * cursor has already passed them and no sync would bring them back.
 */
export function applyLatestPage(timeline: Timeline, page: Message[], hasMore: boolean): Timeline {
  const newest = page.reduce((max, m) => Math.max(max, m.seq), 0)
  const kept = { ...timeline, messages: timeline.messages.filter(m => isLocal(m) || m.seq > newest) }
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
export function applyDeleted<T extends Timeline>(timeline: T, payload: Pick<MessageDeletedPayload, 'messageId' | 'updatedSeq'>, deletedAt: string): T {
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
export function addLocal<T extends Timeline>(timeline: T, message: ChatMessage): T {
  return { ...timeline, messages: [...timeline.messages, message] }
}

/** Sets the delivery state of the local copy with this clientId. */
export function setLocalStatus<T extends Timeline>(timeline: T, clientId: string, status: MessageStatus, errorMessage?: string): T {
  const index = timeline.messages.findIndex(m => isLocal(m) && m.clientId === clientId)
  if (index === -1) return timeline
  const messages = timeline.messages.slice()
  messages[index] = { ...messages[index]!, status, errorMessage }
  return { ...timeline, messages }
}

/** Drops the local copy with this clientId (a failed send the member gave up on). */
export function discardLocal<T extends Timeline>(timeline: T, clientId: string): T {
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

/** A thread as the panel holds it: the root and its replies, which reuse the timeline's merge rules. */
export interface ThreadTimeline extends Timeline {
  root: ChatMessage | null
  /** The seq the next "load more" page starts after (the last reply read over REST). */
  afterSeq: number
  /** More replies after `afterSeq` than the pages read so far. */
  hasMoreAfter: boolean
}

export function emptyThread(): ThreadTimeline {
  return { ...emptyTimeline(), root: null, afterSeq: 0, hasMoreAfter: false }
}

/** Merges a reply into its thread by the same rules as the main timeline. */
export function upsertThreadReply(thread: ThreadTimeline, reply: Message): ThreadTimeline {
  return mergeMessage(thread, reply)
}

/** A page of replies read over REST, oldest first after the thread's `afterSeq`. */
export function applyThreadPage(thread: ThreadTimeline, root: Message, replies: Message[], hasMore: boolean): ThreadTimeline {
  const withReplies = replies.reduce(upsertThreadReply, thread)
  const last = replies.at(-1)
  return {
    ...withReplies,
    root: updateRoot(thread.root, root),
    loaded: true,
    afterSeq: last ? Math.max(thread.afterSeq, last.seq) : thread.afterSeq,
    hasMoreAfter: hasMore
  }
}

/** The thread's root after a newer server copy of it, older copies ignored. */
export function updateRoot(held: ChatMessage | null, root: Message): ChatMessage {
  return held && held.updatedSeq > root.updatedSeq ? held : { ...root, status: 'sent' }
}

/**
 * Where "New messages" starts: the first confirmed message after `lastReadSeq` that someone else
 * wrote (one's own messages and system lines are never news). Undefined when there is none in the window.
 */
export function firstUnread(messages: readonly ChatMessage[], lastReadSeq: number, myId: string | undefined): ChatMessage | undefined {
  return messages.find(m => !isLocal(m) && m.seq > lastReadSeq && m.senderId !== myId && m.type !== 'system')
}
