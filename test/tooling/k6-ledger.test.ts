import { describe, expect, it } from 'vitest'
import { createLedger, type LedgerMessage, type SyncReply } from '../../k6/lib/ledger.js'

const ME = 'user-me'
const OTHER = 'user-other'
const CONV = 'conv-1'

let n = 0
function msg(seq: number, extra: Partial<LedgerMessage> = {}): LedgerMessage {
  return { id: `m${seq}-${n++}`, conversationId: CONV, seq, updatedSeq: seq, clientId: `c${seq}`, senderId: OTHER, content: '', createdAt: new Date(0).toISOString(), ...extra }
}

/** A server answering sync:request from a list of stored messages, paging by `page`. */
function server(stored: LedgerMessage[], { page = 100, lastSeq }: { page?: number, lastSeq?: number } = {}) {
  const requests: { conversationId: string, afterSeq: number }[][] = []
  const ack = async (_event: 'sync:request', data: { conversations: { conversationId: string, afterSeq: number }[] }): Promise<SyncReply> => {
    requests.push(data.conversations)
    return {
      ok: true,
      results: data.conversations.map(({ conversationId, afterSeq }) => {
        const all = stored.filter(m => m.conversationId === conversationId && m.updatedSeq > afterSeq).sort((a, b) => a.updatedSeq - b.updatedSeq)
        const kept = all.slice(0, page)
        const hasMore = all.length > page
        const top = Math.max(lastSeq ?? 0, ...stored.filter(m => m.conversationId === conversationId).map(m => m.updatedSeq))
        return { conversationId, messages: kept, hasMore, lastSeq: hasMore ? kept.at(-1)!.updatedSeq : top }
      })
    }
  }
  return { ack, requests }
}

describe('loss and duplicate accounting', () => {
  it('counts nothing lost when every message arrives in real time', async () => {
    const ledger = createLedger({ userId: ME })
    ledger.setBaseline(CONV, 10)
    const stored = [11, 12, 13].map(s => msg(s))
    for (const m of stored) expect(ledger.onNew(m)).toBe('received')
    expect(ledger.cursor(CONV)).toBe(13)
    expect(await ledger.sync(server(stored).ack, [CONV], 'final')).toBe(true)
    expect(ledger.totals).toEqual({ received: 3, duplicates: 0, recovered: 0, lost: 0 })
  })

  it('recovers through sync what real time missed, and reports the hole first', async () => {
    let clock = 1000
    const ledger = createLedger({ userId: ME, gapGraceMs: 500, now: () => clock })
    ledger.setBaseline(CONV, 0)
    const stored = [1, 2, 3, 4].map(s => msg(s))
    ledger.onNew(stored[0]!)
    ledger.onNew(stored[3]!) // 2 and 3 never came
    expect(ledger.staleHoles()).toEqual([])
    clock += 600
    expect(ledger.staleHoles()).toEqual([CONV])
    const recovered: number[] = []
    const ok = await createLedgerSync(ledger, stored, r => recovered.push(r))
    expect(ok).toBe(true)
    expect(ledger.totals.lost).toBe(0)
    expect(ledger.totals.recovered).toBe(2)
    expect(recovered).toEqual([2])
    expect(ledger.has(CONV, stored[1]!.id) && ledger.has(CONV, stored[2]!.id)).toBe(true)
    expect(ledger.staleHoles()).toEqual([])
  })

  it('reports a counter value neither real time nor sync explains as lost', async () => {
    const lost: { count: number, examples: number[] }[] = []
    const ledger = createLedger({ userId: ME, hooks: { lost: (count, _reason, _conv, examples) => lost.push({ count, examples }) } })
    ledger.setBaseline(CONV, 0)
    const stored = [1, 2, 3, 4, 5].map(s => msg(s))
    ledger.onNew(stored[0]!)
    // The server says the counter is at 5 but returns only 4 and 5: 2 and 3 are gone.
    const { ack } = server([stored[3]!, stored[4]!], { lastSeq: 5 })
    expect(await ledger.sync(ack, [CONV], 'final')).toBe(true)
    expect(ledger.totals.lost).toBe(2)
    expect(lost).toEqual([{ count: 2, examples: [2, 3] }])
  })

  it('pages sync while the server has more', async () => {
    const ledger = createLedger({ userId: ME })
    ledger.setBaseline(CONV, 0)
    const stored = Array.from({ length: 7 }, (_, i) => msg(i + 1))
    const srv = server(stored, { page: 3 })
    expect(await ledger.sync(srv.ack, [CONV], 'reconnect')).toBe(true)
    expect(srv.requests.map(r => r[0]!.afterSeq)).toEqual([0, 3, 6])
    expect(ledger.totals).toMatchObject({ recovered: 7, lost: 0 })
    expect(ledger.cursor(CONV)).toBe(7)
  })

  it('explains edits and deletes by their updatedSeq', async () => {
    const ledger = createLedger({ userId: ME })
    ledger.setBaseline(CONV, 0)
    const a = msg(1)
    ledger.onNew(a)
    ledger.onUpdated({ conversationId: CONV, updatedSeq: 2 })
    ledger.onDeleted({ conversationId: CONV, updatedSeq: 3 })
    expect(ledger.cursor(CONV)).toBe(3)
    // An edit real time missed: sync returns the message with its new updatedSeq.
    const edited = { ...a, updatedSeq: 4 }
    expect(await ledger.sync(server([edited]).ack, [CONV], 'gap')).toBe(true)
    expect(ledger.totals.lost).toBe(0)
  })

  it('flags the same message delivered twice', () => {
    const dups: string[] = []
    const ledger = createLedger({ userId: ME, hooks: { duplicate: (_m, why) => dups.push(why) } })
    ledger.setBaseline(CONV, 0)
    const m = msg(1)
    expect(ledger.onNew(m)).toBe('received')
    expect(ledger.onNew({ ...m })).toBe('duplicate')
    expect(dups).toEqual(['id'])
    expect(ledger.totals.received).toBe(1)
  })

  it('flags a resend stored twice: two message ids for one sender and clientId', async () => {
    const ledger = createLedger({ userId: ME })
    ledger.setBaseline(CONV, 0)
    const first = msg(1, { clientId: 'same' })
    const second = msg(2, { clientId: 'same' })
    ledger.onNew(first)
    expect(ledger.onNew(second)).toBe('duplicate')
    // The same through sync only (the member missed both in real time).
    const other = createLedger({ userId: ME })
    other.setBaseline(CONV, 0)
    await other.sync(server([first, second]).ack, [CONV], 'reconnect')
    expect(other.totals.duplicates).toBe(1)
    // The same clientId from two different senders is two messages.
    const third = createLedger({ userId: ME })
    third.setBaseline(CONV, 0)
    third.onNew(msg(1, { clientId: 'x', senderId: 'a' }))
    expect(third.onNew(msg(2, { clientId: 'x', senderId: 'b' }))).toBe('received')
  })

  it('does not count its own echoes as received', () => {
    const ledger = createLedger({ userId: ME })
    ledger.setBaseline(CONV, 0)
    expect(ledger.onNew(msg(1, { senderId: ME }))).toBe('own')
    expect(ledger.totals.received).toBe(0)
    expect(ledger.cursor(CONV)).toBe(1)
  })

  it('fails the sync when the server does not answer ok, and can sync again', async () => {
    const ledger = createLedger({ userId: ME })
    ledger.setBaseline(CONV, 0)
    expect(await ledger.sync(async () => ({ ok: false, error: { code: 'RATE_LIMITED' } }), [CONV], 'final')).toBe(false)
    expect(await ledger.sync(async () => undefined, [CONV], 'final')).toBe(false)
    expect(await ledger.sync(server([msg(1)]).ack, [CONV], 'final')).toBe(true)
    expect(ledger.totals.recovered).toBe(1)
  })

  it('self-test switches make the audit fail or recover', async () => {
    const stored = [1, 2, 3].map(s => msg(s))
    const dropping = createLedger({ userId: ME, dropRealtime: () => true })
    dropping.setBaseline(CONV, 0)
    for (const m of stored) expect(dropping.onNew(m)).toBe('dropped')
    await dropping.sync(server(stored).ack, [CONV], 'final')
    expect(dropping.totals).toMatchObject({ recovered: 3, lost: 0 })
    const hiding = createLedger({ userId: ME, dropRealtime: () => true, hideSynced: () => true })
    hiding.setBaseline(CONV, 0)
    for (const m of stored) hiding.onNew(m)
    await hiding.sync(server(stored).ack, [CONV], 'final')
    expect(hiding.totals.lost).toBe(3)
  })
})

async function createLedgerSync(ledger: ReturnType<typeof createLedger>, stored: LedgerMessage[], onRecovered: (n: number) => void) {
  const { ack } = server(stored)
  const ok = await ledger.sync(ack, ledger.staleHoles(), 'gap')
  onRecovered(ledger.totals.recovered)
  return ok
}
