import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, nextEvent, sendOk, setupConversation, signUp, sleep, until } from '../support/helpers'
import { history, instances } from './helpers'

afterEach(() => closeAllSockets())

type MessageAck = { ok: true, message: Message } | { ok: false, error: { code: string } }

describe('rich messaging on two instances sharing Postgres and Redis', () => {
  it('sends each scheduled message exactly once although both instances run the job queue', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'scheduled', A)).conversation
    const b = await connect(bob, { base: B })
    const seen = collect<{ message: Message }>(b, 'message:new')
    const sendAt = new Date(Date.now() + 2500).toISOString()
    const contents = Array.from({ length: 12 }, (_, i) => `scheduled ${i}`)
    // Half scheduled through A, half through B: each instance queues jobs the other may run.
    for (const [i, content] of contents.entries()) {
      const base = i % 2 ? B : A
      const res = await api(base, 'POST', `/api/conversations/${conversation.id}/scheduled`, { token: alice.token, body: { clientId: randomUUID(), content, sendAt } })
      expect(res.status).toBe(200)
    }
    await until(() => seen.items.length >= contents.length, 15_000, 'all scheduled messages delivered')
    await sleep(1500)
    seen.stop()
    expect(seen.items.map(p => p.message.content).sort()).toEqual([...contents].sort())
    const stored = (await history(A, alice, conversation.id)).filter(m => m.content.startsWith('scheduled '))
    expect(stored).toHaveLength(contents.length)
    const listed = await api<{ scheduled: unknown[] }>(B, 'GET', '/api/scheduled', { token: alice.token })
    expect(listed.body.scheduled).toEqual([])
  })

  it('counts two people reacting with the same emoji at the same moment on different instances', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'reactions', A)).conversation
    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    for (let round = 0; round < 5; round++) {
      const message = await sendOk(a, conversation.id, `react ${round}`)
      const replies = await Promise.all([
        ack<MessageAck>(a, 'reaction:add', { messageId: message.id, emoji: '🎉' }),
        ack<MessageAck>(b, 'reaction:add', { messageId: message.id, emoji: ':tada:' })
      ])
      expect(replies.every(r => r.ok)).toBe(true)
      const final = (await history(B, bob, conversation.id)).find(m => m.id === message.id)!
      expect(final.reactions).toEqual([{ emoji: '🎉', count: 2, userIds: expect.arrayContaining([alice.user.id, bob.user.id]) }])
    }
  })

  it('updates a thread root live on the other instance and through sync', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'threads', A)).conversation
    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    const root = await sendOk(a, conversation.id, 'root')
    const rootUpdated = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.id === root.id && p.message.replyCount === 1, 10_000)
    const reply = await ack<MessageAck>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'in thread', threadRootId: root.id })
    expect(reply.ok).toBe(true)
    expect((await rootUpdated).message.replyCount).toBe(1)
    const page = await api<{ root: Message, replies: Message[] }>(B, 'GET', `/api/messages/${root.id}/thread`, { token: bob.token })
    expect(page.body.replies.map(r => r.content)).toEqual(['in thread'])
  })
})
