import { describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { messageFixture } from '../support/message-fixture'
import {
  addLocal, applyDeleted, applyLatestPage, applySync, applyThreadPage, emptyThread, emptyTimeline, gapBefore, inMainTimeline,
  upsertMessage, upsertThreadReply
} from '../../utils/chat/timeline'
import type { ChatMessage } from '../../utils/chat/timeline'

const ROOT = 'm-1'

const OTHER_USER = { id: 'user-other', displayName: 'Other', avatarUrl: null }

function msg(seq: number, overrides: Partial<Message> = {}): Message {
  return messageFixture(seq, { id: `m-${seq}`, conversationId: 'c-1', sender: OTHER_USER, createdAt: new Date(Date.UTC(2026, 0, 1, 12, seq)).toISOString() }, overrides)
}

const reply = (seq: number, overrides: Partial<Message> = {}) => msg(seq, { threadRootId: ROOT, ...overrides })
const seqs = (list: { seq: number }[]) => list.map(m => m.seq)

describe('thread replies and the main timeline', () => {
  it('only top-level messages and replies also sent to the conversation belong in the timeline', () => {
    expect(inMainTimeline(msg(1))).toBe(true)
    expect(inMainTimeline(reply(2))).toBe(false)
    expect(inMainTimeline(reply(3, { alsoInConversation: true }))).toBe(true)
  })

  it('a live reply stays out of the timeline but moves its cursor, so the next message is no gap', () => {
    const loaded = applyLatestPage(emptyTimeline(), [msg(1)], false)
    const after = upsertMessage(loaded, reply(2))
    expect(seqs(after.messages)).toEqual([1])
    expect(after.cursor).toBe(2)
    expect(gapBefore(after, msg(3))).toBeNull()
  })

  it('a reply also sent to the conversation shows in the timeline', () => {
    const loaded = applyLatestPage(emptyTimeline(), [msg(1)], false)
    expect(seqs(upsertMessage(loaded, reply(2, { alsoInConversation: true })).messages)).toEqual([1, 2])
  })

  it('a sync page with replies keeps only the timeline\'s messages and reaches the counter', () => {
    const loaded = applyLatestPage(emptyTimeline(), [msg(1)], false)
    const synced = applySync(loaded, { messages: [reply(2), msg(3), reply(4, { alsoInConversation: true }), reply(5)], hasMore: false, lastSeq: 5 })
    expect(seqs(synced.messages)).toEqual([1, 3, 4])
    expect(synced.cursor).toBe(5)
  })

  it('a history page that still carries replies (older servers) leaves them out', () => {
    expect(seqs(applyLatestPage(emptyTimeline(), [msg(1), reply(2), msg(3)], true).messages)).toEqual([1, 3])
  })

  it('an edit to the root (its reply count) replaces it in the timeline', () => {
    const loaded = applyLatestPage(emptyTimeline(), [msg(1)], false)
    const counted = upsertMessage(loaded, msg(1, { updatedSeq: 3, replyCount: 2 }))
    expect(counted.messages[0]!.replyCount).toBe(2)
  })
})

describe('a thread\'s own state', () => {
  it('reads pages oldest first and remembers where the next page starts', () => {
    const first = applyThreadPage(emptyThread(), msg(1, { replyCount: 4 }), [reply(2), reply(3)], true)
    expect(first.root?.replyCount).toBe(4)
    expect(seqs(first.messages)).toEqual([2, 3])
    expect(first).toMatchObject({ loaded: true, afterSeq: 3, hasMoreAfter: true })
    const second = applyThreadPage(first, msg(1, { replyCount: 4 }), [reply(5), reply(6)], false)
    expect(seqs(second.messages)).toEqual([2, 3, 5, 6])
    expect(second).toMatchObject({ afterSeq: 6, hasMoreAfter: false })
  })

  it('merges live replies by seq without duplicates, whether the page or the event came first', () => {
    const page = applyThreadPage(emptyThread(), msg(1), [reply(2)], false)
    const live = upsertThreadReply(upsertThreadReply(page, reply(4)), reply(3))
    expect(seqs(live.messages)).toEqual([2, 3, 4])
    expect(seqs(upsertThreadReply(live, reply(3)).messages)).toEqual([2, 3, 4])
  })

  it('replaces its own pending reply with the server\'s copy', () => {
    const page = applyThreadPage(emptyThread(), msg(1), [reply(2)], false)
    const pending: ChatMessage = { ...reply(0, { id: 'local-x', clientId: 'x', senderId: 'me' }), status: 'pending' }
    const withLocal = addLocal(page, pending)
    expect(withLocal.messages.map(m => m.status)).toEqual(['sent', 'pending'])
    const acked = upsertThreadReply(withLocal, reply(3, { clientId: 'x', senderId: 'me' }))
    expect(acked.messages.map(m => [m.seq, m.status])).toEqual([[2, 'sent'], [3, 'sent']])
  })

  it('keeps a newer root over a stale copy and turns a deleted reply into a tombstone', () => {
    const page = applyThreadPage(emptyThread(), msg(1, { updatedSeq: 9, replyCount: 3 }), [reply(2)], false)
    expect(applyThreadPage(page, msg(1, { updatedSeq: 5, replyCount: 1 }), [], false).root?.replyCount).toBe(3)
    const deleted = applyDeleted(page, { messageId: 'm-2', updatedSeq: 10 }, '2026-01-01T13:00:00.000Z')
    expect(deleted.messages[0]!.deletedAt).toBe('2026-01-01T13:00:00.000Z')
  })
})
