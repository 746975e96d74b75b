import { describe, expect, it } from 'vitest'
import { coalesceMarks } from '../../server/services/messages/receipts-coalesce'
import { dmTicks, seenByLatest, tickOf } from '../../utils/chat/receipts'
import type { ChatMessage } from '../../utils/chat/timeline'

describe('delivered marks, coalesced', () => {
  it('writes one mark at a time per key; marks arriving meanwhile merge into one write of the greatest seq', async () => {
    const writes: number[] = []
    const gates: (() => void)[] = []
    const submit = coalesceMarks<{ seq: number }>(input => new Promise<void>((resolve) => {
      writes.push(input.seq)
      gates.push(resolve)
    }))
    const first = submit('k', { seq: 1 })
    const merged = [submit('k', { seq: 4 }), submit('k', { seq: 2 }), submit('k', { seq: 3 })]
    const other = submit('other', { seq: 9 })
    expect(writes).toEqual([1, 9])
    gates.shift()!()
    await first
    await Promise.resolve()
    await Promise.resolve()
    expect(writes).toEqual([1, 9, 4])
    gates.shift()!()
    gates.shift()!()
    await Promise.all([...merged, other])
    expect(writes).toEqual([1, 9, 4])
    // Idle again: the next mark writes straight away.
    void submit('k', { seq: 5 })
    expect(writes).toEqual([1, 9, 4, 5])
  })

  it('a failed write fails its callers and does not block the next one', async () => {
    let fail = true
    const submit = coalesceMarks<{ seq: number }>(async () => {
      if (fail) throw new Error('nope')
    })
    await expect(submit('k', { seq: 1 })).rejects.toThrow('nope')
    fail = false
    await expect(submit('k', { seq: 2 })).resolves.toBeUndefined()
  })
})

const ME = 'me'
const PEER = 'peer'
const message = (seq: number, senderId: string, extra: Partial<ChatMessage> = {}) =>
  ({ id: `m${seq}`, seq, senderId, status: 'sent', type: 'text', deletedAt: null, ...extra }) as ChatMessage

describe('receipt views', () => {
  it('ticks own DM messages sent, delivered or read from the peer\'s markers', () => {
    expect(tickOf(3, undefined)).toBe('sent')
    const list = [message(1, ME), message(2, PEER), message(3, ME), message(4, ME), message(0, ME, { id: 'local', status: 'pending' })]
    const ticks = dmTicks(list, ME, { deliveredSeq: 3, readSeq: 1, readAt: null })
    expect([...ticks]).toEqual([['m1', 'read'], ['m3', 'delivered'], ['m4', 'sent']])
  })

  it('counts who, besides its sender, read a group\'s latest message', () => {
    const list = [message(1, PEER), message(2, ME), message(3, ME, { type: 'system' })]
    const names = { [ME]: 'You', [PEER]: 'Pat', carol: 'Carol', dan: 'Dan' }
    const marks = (readSeq: number) => ({ deliveredSeq: readSeq, readSeq, readAt: null })
    expect(seenByLatest(list, { [ME]: marks(2), [PEER]: marks(1), carol: marks(2), dan: marks(3) }, names))
      .toEqual({ messageId: 'm2', names: ['Carol', 'Dan'] })
    expect(seenByLatest(list, { [ME]: marks(2) }, names)).toBeNull()
    expect(seenByLatest(list, undefined, names)).toBeNull()
  })
})
