import { afterEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import type { Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, nextEvent, send, type SendAck, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

type ThreadPage = { root: Message, replies: Message[], hasMore: boolean }

async function thread(replies: number) {
  const { alice, bob, mallory, conversation, a, b } = await aliceBobAndMallory()
  const root = await send(a, conversation.id, 'release plan?')
  if (!root.ok) throw new Error('send failed')
  const sent: Message[] = []
  for (let i = 0; i < replies; i++) {
    const reply = await ack<SendAck>(i % 2 ? a : b, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: `reply ${i}`, threadRootId: root.message.id })
    if (!reply.ok) throw new Error(JSON.stringify(reply.error))
    sent.push(reply.message)
  }
  return { alice, bob, mallory, conversation, a, b, root: root.message, replies: sent }
}

describe('GET /api/messages/:id/thread', () => {
  it('answers the root with its reply count and the replies oldest first, paged by afterSeq', async () => {
    const { alice, root, replies } = await thread(5)
    const first = await api<ThreadPage>(alice.base, 'GET', `/api/messages/${root.id}/thread?limit=3`, { token: alice.token })
    expect(first.status).toBe(200)
    expect(first.body.root).toMatchObject({ id: root.id, replyCount: 5 })
    expect(first.body.replies.map(r => r.content)).toEqual(['reply 0', 'reply 1', 'reply 2'])
    expect(first.body.hasMore).toBe(true)
    const next = await api<ThreadPage>(alice.base, 'GET', `/api/messages/${root.id}/thread?limit=3&afterSeq=${first.body.replies.at(-1)!.seq}`, { token: alice.token })
    expect(next.body.replies.map(r => r.id)).toEqual(replies.slice(3).map(r => r.id))
    expect(next.body.hasMore).toBe(false)
  })

  it('opens the whole thread when asked for one of its replies', async () => {
    const { alice, root, replies } = await thread(2)
    const res = await api<ThreadPage>(alice.base, 'GET', `/api/messages/${replies[1]!.id}/thread`, { token: alice.token })
    expect(res.body.root.id).toBe(root.id)
    expect(res.body.replies).toHaveLength(2)
  })

  it('tells every participant the root changed when a reply arrives', async () => {
    const { a, b, root, conversation } = await thread(0)
    const updated = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.id === root.id)
    await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'first!', threadRootId: root.id })
    expect((await updated).message.replyCount).toBe(1)
  })

  it('is refused to non-participants and anonymous callers, and validates the query', async () => {
    const { alice, mallory, root } = await thread(1)
    expect((await api(mallory.base, 'GET', `/api/messages/${root.id}/thread`, { token: mallory.token })).status).toBe(403)
    expect((await api(alice.base, 'GET', `/api/messages/${root.id}/thread`)).status).toBe(401)
    const bad = await api(alice.base, 'GET', `/api/messages/${root.id}/thread?limit=1000`, { token: alice.token })
    expect(bad.status).toBe(400)
    expect(bad.body.error?.code).toBe('VALIDATION')
  })
})

describe('threads in the timeline', () => {
  const history = async (who: Session, conversationId: string) =>
    (await api<{ messages: Message[] }>(who.base, 'GET', `/api/conversations/${conversationId}/messages`, { token: who.token })).body.messages

  it('keeps replies in their thread, unless also sent to the conversation', async () => {
    const { alice, bob, a, root, replies, conversation } = await thread(2)
    const shown = await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'for everyone', threadRootId: root.id, alsoToConversation: true })
    if (!shown.ok) throw new Error('send failed')
    expect(shown.message.alsoInConversation).toBe(true)
    const timeline = await history(bob, conversation.id)
    expect(timeline.map(m => m.content)).toEqual(['release plan?', 'for everyone'])
    expect(timeline.some(m => replies.some(r => r.id === m.id))).toBe(false)
    const page = await api<ThreadPage>(alice.base, 'GET', `/api/messages/${root.id}/thread`, { token: alice.token })
    expect(page.body.replies.map(r => r.content)).toEqual(['reply 0', 'reply 1', 'for everyone'])
  })

  it('summarises the thread on its root: count, the latest repliers first, the last reply time', async () => {
    const { alice, bob, root, conversation } = await thread(3)
    const [loaded] = (await history(alice, conversation.id)).filter(m => m.id === root.id)
    expect(loaded!.replyCount).toBe(3)
    expect(loaded!.thread!.repliers.map(r => r.displayName)).toEqual(['Bob', 'Alice'])
    expect(loaded!.thread!.repliers[0]!.id).toBe(bob.user.id)
    expect(Date.parse(loaded!.thread!.lastReplyAt)).toBeGreaterThan(Date.parse(root.createdAt) - 1)
  })

  it('puts a reply to a reply into the same thread', async () => {
    const { a, root, replies, conversation } = await thread(1)
    const nested = await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'nested', threadRootId: replies[0]!.id })
    expect(nested.ok && nested.message.threadRootId).toBe(root.id)
  })

  it('does not count thread replies in the conversation\'s unread badge', async () => {
    const { alice, conversation } = await thread(3)
    const view = await api<{ conversation: { unreadCount: number } }>(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })
    // Bob wrote two of the three replies; only the root (by Alice) is in the timeline.
    expect(view.body.conversation.unreadCount).toBe(0)
  })
})

describe('quote replies', () => {
  it('carry a compact view of the original, which shows as deleted once it is', async () => {
    const { bob, a, b, root, conversation } = await thread(0)
    const quoted = await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'agreed', replyToId: root.id })
    if (!quoted.ok) throw new Error('send failed')
    expect(quoted.message.replyTo).toEqual({ id: root.id, seq: root.seq, senderName: 'Alice', excerpt: 'release plan?', deleted: false })
    await ack(a, 'message:delete', { messageId: root.id })
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.find(m => m.id === quoted.message.id)!.replyTo).toEqual({ id: root.id, seq: root.seq, senderName: 'Alice', excerpt: '', deleted: true })
  })
})
