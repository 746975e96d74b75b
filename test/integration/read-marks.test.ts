import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ReadUpdatePayload, UnreadUpdatePayload } from '#shared/events'
import type { ReceiptsResponse } from '#shared/receipt-schemas'
import type { Conversation } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, logIn, must, nextEvent, sendOk, setupConversation, signUp, sleep, until, type Session } from '../support/helpers'

// read:mark is sent once per new message by every member looking at a conversation: a burst from one
// socket must leave the right marker and counts, announce each marker once and in order, and answer
// every mark; a stranger or a banned member must be refused, in a burst too.

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

type Reply = { ok: boolean, error?: { code: string } }

async function conversationOf(session: Session, id: string): Promise<Conversation> {
  return must(await api<{ conversation: Conversation }>(session.base, 'GET', `/api/conversations/${id}`, { token: session.token }), 'conversation').conversation
}

async function readSeqOf(viewer: Session, conversationId: string, userId: string): Promise<number | undefined> {
  const { receipts } = must(await api<ReceiptsResponse>(viewer.base, 'GET', `/api/conversations/${conversationId}/receipts`, { token: viewer.token }), 'receipts')
  return receipts.find(r => r.userId === userId)?.readSeq
}

/**
 * Alice, Bob and Carol share a group with `count` messages of Alice's and Carol's (in turns: each
 * sender's rate limit) unread by Bob; Mallory is in the project, not the group.
 */
async function unreadGroup(count: number) {
  const [alice, bob, carol, mallory] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Carol'), signUp('Mallory')])
  const { projectId, conversation } = await setupConversation(alice, [bob, carol])
  must(await api(alice.base, 'POST', `/api/projects/${projectId}/members`, { token: alice.token, body: { email: mallory.user.email, role: 'member' } }), 'add mallory')
  const [a, b, bobsPhone, c, m] = await Promise.all([connect(alice), connect(bob), connect(bob), connect(carol), connect(mallory)])
  // What joining wrote before (system lines) is read first: Bob starts with nothing unread.
  const start = (await conversationOf(bob, conversation.id)).lastSeq
  expect(await ack(b, 'read:mark', { conversationId: conversation.id, seq: start })).toEqual({ ok: true })
  const seqs: number[] = []
  for (let i = 0; i < count; i++) seqs.push((await sendOk(i % 2 ? c : a, conversation.id, `update ${i}`)).seq)
  return { alice, bob, mallory, projectId, conversation, a, b, bobsPhone, m, seqs }
}

describe('read:mark', () => {
  it('a burst of 50 marks from one socket: every ack ok, the marker at the last, nothing unread, each marker announced once and in order', async () => {
    const { alice, bob, conversation, a, b, bobsPhone, seqs } = await unreadGroup(50)
    expect((await conversationOf(bob, conversation.id)).unreadCount).toBe(50)
    const receipts = collect<ReadUpdatePayload>(a, 'read:update')
    const counts = collect<UnreadUpdatePayload>(bobsPhone, 'unread:update')

    const replies = await Promise.all(seqs.map(seq => ack<Reply>(b, 'read:mark', { conversationId: conversation.id, seq })))
    expect(replies).toEqual(seqs.map(() => ({ ok: true })))

    const last = seqs.at(-1)!
    expect(await readSeqOf(alice, conversation.id, bob.user.id)).toBe(last)
    expect(await conversationOf(bob, conversation.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 })
    await until(() => receipts.items.at(-1)?.seq === last && counts.items.at(-1)?.unreadCount === 0, 5000, 'the last announce')
    await sleep(200)

    // Each read:update names a marker further than the one before, by Bob, the last one the last message.
    const told = receipts.items.filter(p => p.userId === bob.user.id)
    expect(told.every(p => p.conversationId === conversation.id)).toBe(true)
    expect(told.every((p, i) => i === 0 || p.seq > told[i - 1]!.seq)).toBe(true)
    expect(told.at(-1)!.seq).toBe(last)
    // Marks that arrive while one is written merge into the next write: far fewer announces than marks.
    expect(told.length).toBeLessThanOrEqual(seqs.length / 2)
    // Bob's other device hears the counts once per write; the last one says all is read.
    expect(counts.items.length).toBeLessThanOrEqual(seqs.length / 2)
    expect(counts.items.at(-1)).toEqual({ conversationId: conversation.id, unreadCount: 0, mentionCount: 0 })
    expect(counts.items.map(p => p.unreadCount)).toEqual([...counts.items.map(p => p.unreadCount)].sort((x, y) => y - x))
  })

  it('a mark behind the marker moves nothing and announces no receipt, but still tells the reader\'s devices what is unread', async () => {
    const { alice, bob, conversation, a, b, bobsPhone, seqs } = await unreadGroup(6)
    const moved = nextEvent<ReadUpdatePayload>(a, 'read:update', p => p.userId === bob.user.id && p.seq === seqs[3])
    const counted = nextEvent<UnreadUpdatePayload>(bobsPhone, 'unread:update', p => p.conversationId === conversation.id && p.unreadCount === 2)
    expect(await ack(b, 'read:mark', { conversationId: conversation.id, seq: seqs[3] })).toEqual({ ok: true })
    await Promise.all([moved, counted])
    const receipts = collect<ReadUpdatePayload>(a, 'read:update')
    const counts = collect<UnreadUpdatePayload>(bobsPhone, 'unread:update')
    expect(await ack(b, 'read:mark', { conversationId: conversation.id, seq: seqs[1] })).toEqual({ ok: true })
    await until(() => counts.items.length > 0, 5000, 'unread:update')
    await sleep(150)
    expect(counts.items).toEqual([{ conversationId: conversation.id, unreadCount: 2, mentionCount: 0 }])
    expect(receipts.items).toEqual([])
    expect(await readSeqOf(alice, conversation.id, bob.user.id)).toBe(seqs[3])
  })

  it('a member of the project outside the conversation is refused, every mark of a burst, and the marker does not move', async () => {
    const { alice, mallory, conversation, a, m, seqs } = await unreadGroup(3)
    const receipts = collect<ReadUpdatePayload>(a, 'read:update')
    const replies = await Promise.all(seqs.map(seq => ack<Reply>(m, 'read:mark', { conversationId: conversation.id, seq })))
    expect(replies.map(r => r.error?.code ?? 'ok')).toEqual(seqs.map(() => 'FORBIDDEN'))
    const rest = await api(mallory.base, 'POST', `/api/conversations/${conversation.id}/read`, { token: mallory.token, body: { seq: seqs[0] } })
    expect(rest.status).toBe(403)
    await sleep(150)
    expect(receipts.items).toEqual([])
    expect(await readSeqOf(alice, conversation.id, mallory.user.id)).toBeUndefined()
  })

  it('a participant banned from the project is refused, every mark of a burst, and their marker stays', async () => {
    const { alice, bob, projectId, conversation, a, b, seqs } = await unreadGroup(3)
    expect(await ack(b, 'read:mark', { conversationId: conversation.id, seq: seqs[0] })).toEqual({ ok: true })
    must(await api(admin.base, 'POST', `/api/admin/users/${bob.user.id}/ban`, { token: admin.token, body: { projectId, reason: 'abuse' } }), 'project ban')
    const receipts = collect<ReadUpdatePayload>(a, 'read:update')
    const replies = await Promise.all(seqs.map(seq => ack<Reply>(b, 'read:mark', { conversationId: conversation.id, seq })))
    expect(replies.map(r => r.error?.code ?? 'ok')).toEqual(seqs.map(() => 'FORBIDDEN'))
    await sleep(150)
    expect(receipts.items).toEqual([])
    expect(await readSeqOf(alice, conversation.id, bob.user.id)).toBe(seqs[0])
  })
})
