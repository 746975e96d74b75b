import { describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { messageFixture } from '../support/message-fixture'
import {
  addLocal, applyDeleted, applyLatestPage, applyOlderPage, applySync, discardLocal, emptyTimeline, gapBefore,
  newestConfirmed, oldestConfirmed, pendingLocals, setLocalStatus, upsertMessage, upsertMessages
} from '../../utils/chat/timeline'
import type { ChatMessage, Timeline } from '../../utils/chat/timeline'

const ME = 'user-me'

const OTHER_USER = { id: 'user-other', displayName: 'Other', avatarUrl: null }

function msg(seq: number, overrides: Partial<Message> = {}): Message {
  return messageFixture(seq, { id: `m-${seq}`, conversationId: 'c-1', sender: OTHER_USER, createdAt: new Date(Date.UTC(2026, 0, 1, 12, seq)).toISOString() }, overrides)
}

function local(clientId: string, content = 'draft'): ChatMessage {
  return { ...msg(0, { id: `local-${clientId}`, clientId, senderId: ME, content, contentHtml: '' }), seq: 0, updatedSeq: 0, status: 'pending' }
}

const seqs = (t: Timeline) => t.messages.map(m => m.seq)
const loaded = (page: Message[], hasMore = false) => applyLatestPage(emptyTimeline(), page, hasMore)

describe('insert by seq', () => {
  it('orders messages that arrive out of order', () => {
    const t = upsertMessages(emptyTimeline(), [msg(3), msg(1), msg(5), msg(2), msg(4)])
    expect(seqs(t)).toEqual([1, 2, 3, 4, 5])
    expect(t.cursor).toBe(5)
  })

  it('keeps local copies after every confirmed message', () => {
    let t = addLocal(upsertMessage(emptyTimeline(), msg(1)), local('a'))
    t = upsertMessage(t, msg(2))
    expect(t.messages.map(m => m.id)).toEqual(['m-1', 'm-2', 'local-a'])
  })

  it('does not change the timeline it was given', () => {
    const before = upsertMessage(emptyTimeline(), msg(1))
    const snapshot = structuredClone(before)
    upsertMessage(before, msg(2))
    expect(before).toEqual(snapshot)
  })
})

describe('upsert by clientId', () => {
  const ack = msg(7, { clientId: 'a', senderId: ME })

  it('replaces the pending copy with the acked message', () => {
    const t = upsertMessage(addLocal(loaded([msg(6)]), local('a')), ack)
    expect(t.messages.map(m => [m.id, m.status])).toEqual([['m-6', 'sent'], ['m-7', 'sent']])
  })

  it('shows one copy when the ack comes first and message:new after it', () => {
    const t = upsertMessage(upsertMessage(addLocal(loaded([]), local('a')), ack), ack)
    expect(t.messages).toHaveLength(1)
  })

  it('shows one copy when message:new comes first and the ack after it', () => {
    const live = { ...ack }
    const t = upsertMessage(upsertMessage(addLocal(loaded([]), local('a')), live), ack)
    expect(t.messages.map(m => m.id)).toEqual(['m-7'])
  })

  it('leaves another sender\'s message with the same clientId alone', () => {
    const t = upsertMessage(addLocal(loaded([]), local('a')), msg(7, { clientId: 'a' }))
    expect(t.messages.map(m => m.id)).toEqual(['m-7', 'local-a'])
  })

  it('tracks the delivery state of local copies and drops discarded ones', () => {
    let t = addLocal(addLocal(loaded([]), local('a')), local('b'))
    t = setLocalStatus(t, 'a', 'failed', 'Slow mode')
    expect(t.messages[0]).toMatchObject({ status: 'failed', errorMessage: 'Slow mode' })
    expect(pendingLocals(t).map(m => m.clientId)).toEqual(['b'])
    expect(discardLocal(t, 'a').messages.map(m => m.clientId)).toEqual(['b'])
  })
})

describe('history pages', () => {
  it('the newest page replaces stale confirmed copies and keeps unsent ones', () => {
    const stale = addLocal(upsertMessages(emptyTimeline(), [msg(1), msg(9)]), local('a'))
    const t = applyLatestPage(stale, [msg(10), msg(11)], true)
    expect(t.messages.map(m => m.id)).toEqual(['m-10', 'm-11', 'local-a'])
    expect(t).toMatchObject({ loaded: true, hasMoreBefore: true })
  })

  it('keeps messages that arrived live after the newest page was read', () => {
    // Delivered live while the page was on its way, or the page came from a replica a moment behind.
    const live = addLocal(upsertMessages(emptyTimeline(), [msg(3), msg(12)]), local('a'))
    const t = applyLatestPage(live, [msg(10), msg(11)], true)
    expect(t.messages.map(m => m.id)).toEqual(['m-10', 'm-11', 'm-12', 'local-a'])
  })

  it('an older page goes in front and says whether there is more', () => {
    const t = applyOlderPage(loaded([msg(5), msg(6)], true), [msg(3), msg(4)], false)
    expect(seqs(t)).toEqual([3, 4, 5, 6])
    expect(t.hasMoreBefore).toBe(false)
    expect(oldestConfirmed(t)?.seq).toBe(3)
    expect(newestConfirmed(addLocal(t, local('x')))?.seq).toBe(6)
  })
})

describe('sync', () => {
  it('fills a gap and moves the cursor to the conversation counter on the last page', () => {
    const t = applySync(loaded([msg(1), msg(2)]), { messages: [msg(3), msg(5)], hasMore: false, lastSeq: 8 })
    expect(seqs(t)).toEqual([1, 2, 3, 5])
    expect(t.cursor).toBe(8)
  })

  it('a partial page leaves the cursor at its last updatedSeq, where the next page starts', () => {
    const t = applySync(loaded([msg(1)]), { messages: [msg(2), msg(3)], hasMore: true, lastSeq: 3 })
    expect(t.cursor).toBe(3)
    const next = applySync(t, { messages: [msg(4)], hasMore: false, lastSeq: 6 })
    expect(seqs(next)).toEqual([1, 2, 3, 4])
    expect(next.cursor).toBe(6)
  })

  it('skips changes to messages older than the loaded window', () => {
    const t = applySync(loaded([msg(50), msg(51)], true), { messages: [msg(10, { updatedSeq: 52 })], hasMore: false, lastSeq: 52 })
    expect(seqs(t)).toEqual([50, 51])
    expect(t.cursor).toBe(52)
  })

  it('applies an edit that arrives through sync', () => {
    const t = applySync(loaded([msg(1), msg(2)]), { messages: [msg(1, { content: 'edited', updatedSeq: 3 })], hasMore: false, lastSeq: 3 })
    expect(t.messages[0]).toMatchObject({ content: 'edited', updatedSeq: 3 })
  })
})

describe('edits and deletes by updatedSeq', () => {
  it('takes a newer edit and ignores a stale one', () => {
    let t = loaded([msg(1)])
    t = upsertMessage(t, msg(1, { content: 'second', updatedSeq: 4 }))
    t = upsertMessage(t, msg(1, { content: 'first', updatedSeq: 3 }))
    expect(t.messages[0]!.content).toBe('second')
    expect(t.cursor).toBe(4)
  })

  it('turns a message into a tombstone', () => {
    const t = applyDeleted(loaded([msg(1, { attachments: [{ id: 'f', fileName: 'a.png', mimeType: 'image/png', sizeBytes: 1, url: '/a', thumbnailUrl: null }] })]), { messageId: 'm-1', updatedSeq: 2 }, '2026-01-02T00:00:00.000Z')
    expect(t.messages[0]).toMatchObject({ deletedAt: '2026-01-02T00:00:00.000Z', content: '', contentHtml: '', attachments: [], updatedSeq: 2 })
    expect(t.cursor).toBe(2)
  })

  it('ignores a delete older than what is held', () => {
    const held = loaded([msg(1, { content: 'edited later', updatedSeq: 5 })])
    const t = applyDeleted(held, { messageId: 'm-1', updatedSeq: 4 }, '2026-01-02T00:00:00.000Z')
    expect(t.messages[0]).toMatchObject({ content: 'edited later', deletedAt: null })
  })

  it('a message edited after its deletion was held keeps the tombstone when the old copy comes late', () => {
    const t = upsertMessage(applyDeleted(loaded([msg(1)]), { messageId: 'm-1', updatedSeq: 3 }, 'x'), msg(1, { updatedSeq: 2, content: 'late edit' }))
    expect(t.messages[0]).toMatchObject({ deletedAt: 'x', content: '' })
  })
})

describe('gap detection', () => {
  it('sees nothing missing when the next counter value arrives', () => {
    expect(gapBefore(loaded([msg(1), msg(2)]), msg(3))).toBeNull()
  })

  it('asks to sync from the cursor when counter values were skipped', () => {
    expect(gapBefore(loaded([msg(1), msg(2)]), msg(5))).toBe(2)
  })

  it('ignores gaps before the first page is read', () => {
    expect(gapBefore(upsertMessage(emptyTimeline(), msg(2)), msg(9))).toBeNull()
  })

  it('does not report an old or repeated message as a gap', () => {
    expect(gapBefore(loaded([msg(1), msg(2), msg(3)]), msg(2))).toBeNull()
  })
})
