import { afterEach, describe, expect, it } from 'vitest'
import type { ReadUpdatePayload } from '#shared/events'
import type { DeliveredUpdatePayload, ReceiptsResponse } from '#shared/receipt-schemas'
import { ack, api, closeAllSockets, collect, connect, must, nextEvent, sendOk, setupConversation, signUp, sleep, until, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

/** Alice and Bob share a project, a DM and a group; Mallory is in neither conversation. */
async function dmPair() {
  const [alice, bob, mallory] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Mallory')])
  const { projectId, conversation: group } = await setupConversation(alice, [bob])
  const { conversation: dm } = must(await api<{ conversation: { id: string } }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id, projectId } }), 'dm')
  const [a, b] = await Promise.all([connect(alice), connect(bob)])
  return { alice, bob, mallory, projectId, dm, group, a, b }
}

const receiptsOf = (who: Session, conversationId: string) =>
  api<ReceiptsResponse & { error?: { code: string } }>(who.base, 'GET', `/api/conversations/${conversationId}/receipts`, { token: who.token })

const markOf = async (who: Session, conversationId: string, userId: string) =>
  must(await receiptsOf(who, conversationId), 'receipts').receipts.find(r => r.userId === userId)

describe('delivered and read receipts', () => {
  it('delivered:update reaches the sender of a DM; markers only move forward and never past the last message', async () => {
    const { alice, bob, dm, a, b } = await dmPair()
    const first = await sendOk(a, dm.id, 'one')
    const second = await sendOk(a, dm.id, 'two')

    const delivered = nextEvent<DeliveredUpdatePayload>(a, 'delivered:update')
    b.emit('delivered:mark', { conversationId: dm.id, seq: second.seq })
    expect(await delivered).toEqual({ conversationId: dm.id, userId: bob.user.id, seq: second.seq })
    expect(await markOf(alice, dm.id, bob.user.id)).toMatchObject({ deliveredSeq: second.seq, readSeq: 0, readAt: null })

    // Backwards and past the end: a late mark moves nothing and tells nobody; a mark past the end stops at the last message.
    const heard = collect<DeliveredUpdatePayload>(a, 'delivered:update')
    expect(await ack(b, 'delivered:mark', { conversationId: dm.id, seq: first.seq })).toEqual({ ok: true })
    await sleep(150)
    expect(heard.items).toEqual([])
    const third = await sendOk(a, dm.id, 'three')
    expect(await ack(b, 'delivered:mark', { conversationId: dm.id, seq: 9999 })).toEqual({ ok: true })
    await until(() => heard.items.length === 1)
    expect(heard.items).toEqual([{ conversationId: dm.id, userId: bob.user.id, seq: third.seq }])
    expect((await markOf(alice, dm.id, bob.user.id))?.deliveredSeq).toBe(third.seq)

    // Read: forward only, stamped with when, and it counts as delivered too.
    const read = nextEvent<ReadUpdatePayload>(a, 'read:update', p => p.userId === bob.user.id)
    await ack(b, 'read:mark', { conversationId: dm.id, seq: second.seq })
    expect(await read).toEqual({ conversationId: dm.id, userId: bob.user.id, seq: second.seq })
    const afterRead = await markOf(alice, dm.id, bob.user.id)
    expect(afterRead).toMatchObject({ deliveredSeq: third.seq, readSeq: second.seq })
    expect(Date.now() - Date.parse(afterRead!.readAt!)).toBeLessThan(60_000)
    const reads = collect<ReadUpdatePayload>(a, 'read:update')
    await ack(b, 'read:mark', { conversationId: dm.id, seq: first.seq })
    await sleep(150)
    expect(reads.items).toEqual([])
    expect(await markOf(alice, dm.id, bob.user.id)).toEqual(afterRead)
  })

  it('a burst of delivered marks is written forward only: the last one wins, never a step back', async () => {
    const { dm, a, b } = await dmPair()
    const seqs: number[] = []
    for (let i = 0; i < 6; i++) seqs.push((await sendOk(a, dm.id, `m${i}`)).seq)
    const heard = collect<DeliveredUpdatePayload>(a, 'delivered:update')
    for (const seq of [...seqs].reverse()) b.emit('delivered:mark', { conversationId: dm.id, seq })
    for (const seq of seqs) b.emit('delivered:mark', { conversationId: dm.id, seq })
    await until(() => heard.items.at(-1)?.seq === seqs.at(-1))
    await sleep(150)
    const told = heard.items.map(p => p.seq)
    expect(told.every((seq, i) => i === 0 || seq > told[i - 1]!)).toBe(true)
  })

  it('GET …/receipts answers participants, and a stranger the same way other conversation routes do', async () => {
    const { alice, bob, mallory, group, a, b } = await dmPair()
    const m = await sendOk(a, group.id, 'hello group')
    await ack(b, 'read:mark', { conversationId: group.id, seq: m.seq })
    for (const who of [alice, bob]) {
      const { receipts } = must(await receiptsOf(who, group.id), 'receipts')
      expect(receipts.map(r => r.userId).sort()).toEqual([alice.user.id, bob.user.id].sort())
      expect(receipts.find(r => r.userId === bob.user.id)).toMatchObject({ readSeq: m.seq, deliveredSeq: m.seq })
    }

    // Mallory, signed in but outside the conversation, learns nothing; without a session, nobody does.
    const other = await api<{ error?: { code: string } }>(mallory.base, 'GET', `/api/conversations/${group.id}`, { token: mallory.token })
    const stranger = await receiptsOf(mallory, group.id)
    expect(stranger.status).toBe(other.status)
    expect(stranger.body.error?.code).toBe(other.body.error?.code)
    expect(stranger.body).not.toHaveProperty('receipts')
    expect((await api(mallory.base, 'GET', `/api/conversations/${group.id}/receipts`)).status).toBe(401)
    expect((await api(mallory.base, 'GET', '/api/conversations/not-a-uuid/receipts', { token: mallory.token })).status).toBe(400)

    // Nor can she move anyone's marker, or hear one, through the socket.
    const mSocket = await connect(mallory)
    const toAlice = collect<DeliveredUpdatePayload>(a, 'delivered:update')
    const refused = await ack<{ ok: boolean, error?: { code: string } }>(mSocket, 'delivered:mark', { conversationId: group.id, seq: m.seq })
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const heardByMallory = collect<ReadUpdatePayload>(mSocket, 'read:update')
    await ack(a, 'read:mark', { conversationId: group.id, seq: m.seq })
    await sleep(150)
    expect(toAlice.items).toEqual([])
    expect(heardByMallory.items).toEqual([])
  })

  it('delivery receipts are for DMs only', async () => {
    const { group, a, b } = await dmPair()
    const m = await sendOk(a, group.id, 'group message')
    const reply = await ack<{ ok: boolean, error?: { code: string } }>(b, 'delivered:mark', { conversationId: group.id, seq: m.seq })
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect((await ack<{ ok: boolean }>(b, 'delivered:mark', { conversationId: group.id, seq: -1 })).ok).toBe(false)
  })

  it('opting out: the member\'s receipts are not told nor listed, and they get none of others\'', async () => {
    const { alice, bob, dm, group, a, b } = await dmPair()
    must(await api(bob.base, 'PATCH', '/api/me', { token: bob.token, body: { readReceipts: false } }), 'opt out')
    const m = await sendOk(a, dm.id, 'are you there?')
    const g = await sendOk(a, group.id, 'and here?')

    // Bob's marks reach nobody else (his own devices still follow his read marker).
    const toAlice = collect<ReadUpdatePayload>(a, 'read:update')
    const deliveredToAlice = collect<DeliveredUpdatePayload>(a, 'delivered:update')
    const own = nextEvent<ReadUpdatePayload>(b, 'read:update', p => p.userId === bob.user.id)
    await ack(b, 'delivered:mark', { conversationId: dm.id, seq: m.seq })
    await ack(b, 'read:mark', { conversationId: dm.id, seq: m.seq })
    expect((await own).seq).toBe(m.seq)

    // And Alice's reach Bob nowhere: not in the DM, not in the group.
    const toBob = collect<ReadUpdatePayload>(b, 'read:update')
    const deliveredToBob = collect<DeliveredUpdatePayload>(b, 'delivered:update')
    const b2 = await connect(bob)
    const toBobLater = collect<ReadUpdatePayload>(b2, 'read:update')
    const reply = await sendOk(b, dm.id, 'yes')
    await ack(a, 'delivered:mark', { conversationId: dm.id, seq: reply.seq })
    await ack(a, 'read:mark', { conversationId: dm.id, seq: reply.seq })
    await ack(a, 'read:mark', { conversationId: group.id, seq: g.seq })
    await sleep(200)
    expect(toAlice.items.filter(p => p.userId === bob.user.id)).toEqual([])
    expect(deliveredToAlice.items.filter(p => p.userId === bob.user.id)).toEqual([])
    expect(toBob.items.filter(p => p.userId !== bob.user.id)).toEqual([])
    expect(deliveredToBob.items).toEqual([])
    expect(toBobLater.items).toEqual([])

    // The endpoint: empty for Bob, and Bob left out of Alice's.
    expect(must(await receiptsOf(bob, dm.id), 'bob').receipts).toEqual([])
    expect(must(await receiptsOf(alice, dm.id), 'alice').receipts.map(r => r.userId)).toEqual([alice.user.id])
    // Nor does the participants list give the read positions away, either way.
    type Participants = { participants: { userId: string, lastReadSeq: number }[] }
    const readOf = async (as: typeof alice, userId: string) =>
      must(await api<Participants>(as.base, 'GET', `/api/conversations/${dm.id}`, { token: as.token }), 'participants').participants.find(p => p.userId === userId)!.lastReadSeq
    expect(await readOf(alice, bob.user.id)).toBe(0)
    expect(await readOf(bob, alice.user.id)).toBe(0)
    expect(await readOf(bob, bob.user.id)).toBeGreaterThanOrEqual(m.seq)

    // Turning them back on: his sockets hear receipts again, and his marks are told.
    must(await api(bob.base, 'PATCH', '/api/me', { token: bob.token, body: { readReceipts: true } }), 'opt in')
    const again = await sendOk(b, dm.id, 'back')
    const heard = nextEvent<DeliveredUpdatePayload>(b, 'delivered:update', p => p.userId === alice.user.id)
    await ack(a, 'delivered:mark', { conversationId: dm.id, seq: again.seq })
    expect((await heard).seq).toBe(again.seq)
    expect(must(await receiptsOf(bob, dm.id), 'bob').receipts.map(r => r.userId).sort()).toEqual([alice.user.id, bob.user.id].sort())
  })
})
