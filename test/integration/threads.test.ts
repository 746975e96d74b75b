import { afterEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import type { Message } from '#shared/types'
import { ack, api, closeAllSockets, connect, nextEvent, send, setupConversation, signUp, type SendAck } from '../support/helpers'

afterEach(() => closeAllSockets())

type ThreadPage = { root: Message, replies: Message[], hasMore: boolean }

async function thread(replies: number) {
  const alice = await signUp('Alice')
  const bob = await signUp('Bob')
  const mallory = await signUp('Mallory')
  const { conversation } = await setupConversation(alice, [bob])
  const a = await connect(alice)
  const b = await connect(bob)
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
