import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { SUITE_AUTH_LIMITS, startInstance, type Instance } from '../support/instance.mjs'
import { ack, api, closeAllSockets, connect, must, sendOk, setupConversation, signUp } from '../support/helpers'

// A server of its own: a thousand messages from two people is far past the default send budget.
let server: Instance
beforeAll(async () => {
  server = await startInstance({ pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, CHAT_RATE_LIMIT_PER_MINUTE: '100000', SYNC_RATE_LIMIT_PER_MINUTE: '100000' } })
})
afterAll(async () => {
  closeAllSockets()
  await server?.stop()
})

type SyncReply = { ok: boolean, results: { conversationId: string, messages: Message[], hasMore: boolean }[] }

describe('a member away while others write', () => {
  it('gets 1,000 messages with their edits, deletes and reactions after reconnecting, each once and in order', async () => {
    const alice = await signUp('Alice Gap', server.url)
    const bob = await signUp('Bob Gap', server.url)
    const carol = await signUp('Carol Gap', server.url)
    const { conversation } = await setupConversation(alice, [bob, carol])

    // Bob saw the conversation up to here, then lost his connection.
    const seen = must(await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages?limit=50`, { token: bob.token }), 'history')
    const seenUpTo = Math.max(0, ...seen.messages.map(m => m.updatedSeq))
    const away = await connect(bob)
    away.disconnect()

    const a = await connect(alice)
    const c = await connect(carol)
    const sent: Message[] = []
    for (let i = 0; i < 1000; i += 25) {
      sent.push(...await Promise.all(Array.from({ length: 25 }, (_, j) => sendOk((i + j) % 2 ? c : a, conversation.id, `gap message ${i + j}`))))
    }
    const socketOf = (m: Message) => (m.senderId === alice.user.id ? a : c)
    const edited = sent.filter((_, i) => i % 20 === 3)
    const deleted = sent.filter((_, i) => i % 33 === 5)
    const reacted = sent.filter((_, i) => i % 25 === 7 && i % 33 !== 5)
    for (const m of edited) expect((await ack(socketOf(m), 'message:edit', { messageId: m.id, content: `${m.content} (edited)` })).ok).toBe(true)
    for (const m of deleted) expect((await ack(socketOf(m), 'message:delete', { messageId: m.id })).ok).toBe(true)
    for (const m of reacted) expect((await ack(a, 'reaction:add', { messageId: m.id, emoji: '👍' })).ok).toBe(true)

    // Back: Bob asks for everything new or changed since what he saw, page by page.
    const back = await connect(bob)
    const got: Message[] = []
    let cursor = seenUpTo
    for (let pages = 0; pages < 100; pages++) {
      const reply = await ack<SyncReply>(back, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: cursor }] })
      expect(reply.ok).toBe(true)
      const page = reply.results[0]!
      got.push(...page.messages)
      if (page.messages.length) cursor = Math.max(...page.messages.map(m => m.updatedSeq))
      if (!page.hasMore) break
    }

    // Each message once, in the order the server gave its changes.
    const ids = got.map(m => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    const updatedSeqs = got.map(m => m.updatedSeq)
    expect(updatedSeqs).toEqual([...updatedSeqs].sort((x, y) => x - y))
    const byId = new Map(got.map(m => [m.id, m]))
    expect(sent.every(m => byId.has(m.id))).toBe(true)
    // No gap: the conversation's seqs run on without a hole across what Bob missed.
    const seqs = [...new Set(got.map(m => m.seq))].sort((x, y) => x - y)
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length)

    // Each carries its last state.
    const deletedIds = new Set(deleted.map(m => m.id))
    for (const m of edited.filter(e => !deletedIds.has(e.id))) expect(byId.get(m.id)!.content).toBe(`${m.content} (edited)`)
    for (const m of deleted) expect(byId.get(m.id)).toMatchObject({ content: '', deletedAt: expect.any(String) })
    for (const m of reacted) {
      expect(byId.get(m.id)!.reactions).toContainEqual(expect.objectContaining({ emoji: '👍', count: 1, userIds: [alice.user.id] }))
    }
    const untouched = sent.find((m, i) => i % 20 !== 3 && i % 33 !== 5 && i % 25 !== 7)!
    expect(byId.get(untouched.id)).toMatchObject({ content: untouched.content, editedAt: null, deletedAt: null, reactions: [] })
  }, 180_000)
})
