import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import type { SyncResult } from '#shared/events'
import { ack, api, closeAllSockets, collect, connect, nextEvent, send, setupConversation, signUp, sleep } from '../support/helpers'

afterEach(() => closeAllSockets())

describe('sending and receiving', () => {
  it('delivers a message to the other participant and acknowledges the sender', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const received = nextEvent<{ message: Message }>(b, 'message:new')
    const reply = await send(a, conversation.id, 'hello **bob**')
    expect(reply.ok).toBe(true)
    if (!reply.ok) return
    expect(reply.duplicate).toBe(false)
    expect(reply.message).toMatchObject({ conversationId: conversation.id, seq: 1, updatedSeq: 1, senderId: alice.user.id, content: 'hello **bob**', type: 'text' })
    expect(reply.message.contentHtml).toContain('<strong>bob</strong>')
    expect(reply.message.sender).toEqual({ id: alice.user.id, displayName: 'Alice', avatarUrl: null })
    const { message } = await received
    expect(message.id).toBe(reply.message.id)
  })

  it('works over HTTP long-polling as well as websocket', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const a = await connect(alice, { transports: ['polling'] })
    const b = await connect(bob, { transports: ['websocket'] })
    const received = nextEvent<{ message: Message }>(b, 'message:new')
    const reply = await send(a, conversation.id, 'over polling')
    expect(reply.ok).toBe(true)
    expect((await received).message.content).toBe('over polling')
  })

  it('acknowledges only what is committed: the acked message is already in history', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const reply = await send(a, conversation.id, 'durable')
    expect(reply.ok).toBe(true)
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages.map(m => m.content)).toEqual(['durable'])
  })

  it('sends through REST with the same service and publishes to sockets', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const b = await connect(bob)
    const received = nextEvent<{ message: Message }>(b, 'message:new')
    const res = await api<{ message: Message, duplicate: boolean }>(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: alice.token, body: { clientId: randomUUID(), content: 'via rest' }
    })
    expect(res.status).toBe(200)
    expect(res.body.duplicate).toBe(false)
    expect((await received).message.id).toBe(res.body.message.id)
  })
})

describe('exactly once', () => {
  it('returns the original message when the same clientId is retried, over socket and REST', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const seen = collect<{ message: Message }>(b, 'message:new')
    const clientId = randomUUID()
    const first = await send(a, conversation.id, 'once', clientId)
    const again = await send(a, conversation.id, 'once', clientId)
    const rest = await api<{ message: Message, duplicate: boolean }>(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: alice.token, body: { clientId, content: 'once' }
    })
    expect(first.ok && again.ok).toBe(true)
    if (!first.ok || !again.ok) return
    expect(again.duplicate).toBe(true)
    expect(again.message.id).toBe(first.message.id)
    expect(rest.body.duplicate).toBe(true)
    expect(rest.body.message.seq).toBe(first.message.seq)
    await sleep(300)
    expect(seen.items.map(e => e.message.id)).toEqual([first.message.id])
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages).toHaveLength(1)
  })

  it('stores one message when the same clientId is sent concurrently', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const [a1, a2] = await Promise.all([connect(alice), connect(alice)])
    const clientId = randomUUID()
    const replies = await Promise.all([send(a1, conversation.id, 'race', clientId), send(a2, conversation.id, 'race', clientId), send(a1, conversation.id, 'race', clientId)])
    const ids = new Set(replies.map(r => r.ok ? r.message.id : 'error'))
    expect(ids.size).toBe(1)
    expect(replies.filter(r => r.ok && !r.duplicate)).toHaveLength(1)
    const next = await send(a1, conversation.id, 'after')
    expect(next.ok && next.message.seq).toBe(2)
  })
})

describe('ordering and history', () => {
  it('gives concurrent senders gap-free increasing seqs seen in the same order by everyone', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    const { conversation } = await setupConversation(alice, [bob, carol])
    const [a, b, c] = await Promise.all([connect(alice), connect(bob), connect(carol)])
    const seenByC = collect<{ message: Message }>(c, 'message:new')
    const seenByA = collect<{ message: Message }>(a, 'message:new')
    const sends = []
    for (let i = 0; i < 10; i++) {
      sends.push(send(a, conversation.id, `a${i}`), send(b, conversation.id, `b${i}`))
    }
    const replies = await Promise.all(sends)
    expect(replies.every(r => r.ok)).toBe(true)
    const seqs = replies.map(r => r.ok ? r.message.seq : 0).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    await sleep(300)
    // Fan-out from parallel commits may arrive slightly out of order; clients order by seq, and
    // every observer must end up with the same complete, gap-free list.
    const bySeq = (items: { message: Message }[]) => items.map(e => e.message).sort((x, y) => x.seq - y.seq)
    const seenC = bySeq(seenByC.items)
    expect(seenC.map(m => m.seq)).toEqual(seqs)
    expect(bySeq(seenByA.items).map(m => m.id)).toEqual(seenC.map(m => m.id))
    // One socket's sends take seqs in the order they were sent, even without waiting for acks.
    const aContents = seenC.map(m => m.content).filter(t => t.startsWith('a'))
    expect(aContents).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`))
    const bContents = seenC.map(m => m.content).filter(t => t.startsWith('b'))
    expect(bContents).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`))
  })

  it('pages history backwards with beforeSeq and forwards with afterSeq', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    for (let i = 1; i <= 25; i++) {
      const r = await send(i % 2 ? a : b, conversation.id, `m${i}`)
      expect(r.ok).toBe(true)
    }
    const path = `/api/conversations/${conversation.id}/messages`
    const newest = await api<{ messages: Message[], hasMore: boolean }>(alice.base, 'GET', `${path}?limit=10`, { token: alice.token })
    expect(newest.body.messages.map(m => m.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25])
    expect(newest.body.hasMore).toBe(true)
    const older = await api<{ messages: Message[], hasMore: boolean }>(alice.base, 'GET', `${path}?limit=10&beforeSeq=16`, { token: alice.token })
    expect(older.body.messages.map(m => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    const oldest = await api<{ messages: Message[], hasMore: boolean }>(alice.base, 'GET', `${path}?limit=10&beforeSeq=6`, { token: alice.token })
    expect(oldest.body.messages.map(m => m.seq)).toEqual([1, 2, 3, 4, 5])
    expect(oldest.body.hasMore).toBe(false)
    const after = await api<{ messages: Message[], hasMore: boolean }>(alice.base, 'GET', `${path}?limit=3&afterSeq=20`, { token: alice.token })
    expect(after.body.messages.map(m => m.content)).toEqual(['m21', 'm22', 'm23'])
    expect(after.body.hasMore).toBe(true)
  })
})

describe('sync after a disconnect', () => {
  it('fills every message, edit and delete missed while offline', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const a = await connect(alice)
    let b = await connect(bob)
    const first = await send(a, conversation.id, 'before')
    expect(first.ok).toBe(true)
    await nextEvent(b, 'message:new', undefined, 2000).catch(() => undefined)
    const cursor = first.ok ? first.message.updatedSeq : 0
    b.close()

    const missed: Message[] = []
    for (let i = 0; i < 5; i++) {
      const r = await send(a, conversation.id, `missed ${i}`)
      if (r.ok) missed.push(r.message)
    }
    await ack(a, 'message:edit', { messageId: missed[0]!.id, content: 'missed 0 (edited)' })
    await ack(a, 'message:delete', { messageId: missed[1]!.id })

    b = await connect(bob)
    const reply = await ack<{ ok: boolean, results: SyncResult[] }>(b, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: cursor }] })
    expect(reply.ok).toBe(true)
    const [result] = reply.results
    expect(result!.hasMore).toBe(false)
    expect(result!.lastSeq).toBe(8)
    const byId = new Map(result!.messages.map(m => [m.id, m]))
    expect([...byId.keys()].sort()).toEqual(missed.map(m => m.id).sort())
    expect(byId.get(missed[0]!.id)!.content).toBe('missed 0 (edited)')
    expect(byId.get(missed[1]!.id)!.deletedAt).not.toBeNull()
    expect(byId.get(missed[1]!.id)!.content).toBe('')
    const updatedSeqs = result!.messages.map(m => m.updatedSeq)
    expect(updatedSeqs).toEqual([...updatedSeqs].sort((x, y) => x - y))
  })

  it('pages a long gap with hasMore until the cursor reaches lastSeq', async () => {
    const members = await Promise.all(Array.from({ length: 9 }, (_, i) => signUp(`M${i}`)))
    const [owner, ...rest] = members
    const { conversation } = await setupConversation(owner!, rest)
    const sockets = await Promise.all(members.map(m => connect(m)))
    // 225 messages from nine members, so nobody runs into the per-minute rate limit.
    for (let round = 0; round < 25; round++) {
      const replies = await Promise.all(sockets.map((s, i) => send(s, conversation.id, `r${round}-${i}`)))
      expect(replies.every(r => r.ok)).toBe(true)
    }
    let afterSeq = 0
    let pages = 0
    const seen: number[] = []
    for (;;) {
      const reply = await ack<{ ok: boolean, results: SyncResult[] }>(sockets[0]!, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq }] })
      const r = reply.results[0]!
      seen.push(...r.messages.map(m => m.seq))
      afterSeq = r.lastSeq
      pages++
      if (!r.hasMore) break
    }
    expect(pages).toBe(2)
    expect(seen).toEqual(Array.from({ length: 225 }, (_, i) => i + 1))
    expect(afterSeq).toBe(225)
  })
})

describe('read markers and unread counts', () => {
  it('counts unread messages from others and clears them on read:mark', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    let last = 0
    for (let i = 0; i < 3; i++) {
      const r = await send(a, conversation.id, `u${i}`)
      if (r.ok) last = r.message.seq
    }
    const list = async (s: typeof bob) => (await api<{ conversations: { id: string, unreadCount: number, lastMessage: { content: string } | null }[] }>(s.base, 'GET', `/api/projects/${projectId}/conversations`, { token: s.token })).body.conversations.find(c => c.id === conversation.id)!
    expect((await list(bob)).unreadCount).toBe(3)
    expect((await list(bob)).lastMessage?.content).toBe('u2')
    expect((await list(alice)).unreadCount).toBe(0)

    const readUpdate = nextEvent<{ userId: string, seq: number }>(a, 'read:update')
    const unreadUpdate = nextEvent<{ unreadCount: number }>(b, 'unread:update')
    const reply = await ack(b, 'read:mark', { conversationId: conversation.id, seq: last - 1 })
    expect(reply.ok).toBe(true)
    expect(await readUpdate).toMatchObject({ userId: bob.user.id, seq: last - 1 })
    expect((await unreadUpdate).unreadCount).toBe(1)
    expect((await list(bob)).unreadCount).toBe(1)
    // Never moves backwards, never beyond the last message.
    await ack(b, 'read:mark', { conversationId: conversation.id, seq: 1 })
    expect((await list(bob)).unreadCount).toBe(1)
    const rest = await api(bob.base, 'POST', `/api/conversations/${conversation.id}/read`, { token: bob.token, body: { seq: 9999 } })
    expect(rest.status).toBe(200)
    expect((await list(bob)).unreadCount).toBe(0)
  })
})

describe('edit and delete', () => {
  it('shows an edit to every reader and keeps the edit history', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const sent = await send(a, conversation.id, 'typo')
    if (!sent.ok) throw new Error('send failed')
    const updated = nextEvent<{ message: Message }>(b, 'message:updated')
    const reply = await ack<{ ok: boolean, message: Message }>(a, 'message:edit', { messageId: sent.message.id, content: 'fixed *typo*' })
    expect(reply.ok).toBe(true)
    expect(reply.message.editedAt).not.toBeNull()
    expect(reply.message.updatedSeq).toBeGreaterThan(sent.message.seq)
    expect(reply.message.seq).toBe(sent.message.seq)
    const { message } = await updated
    expect(message.content).toBe('fixed *typo*')
    expect(message.contentHtml).toContain('<em>typo</em>')
    const rest = await api<{ message: Message }>(alice.base, 'PATCH', `/api/messages/${sent.message.id}`, { token: alice.token, body: { content: 'fixed again' } })
    expect(rest.status).toBe(200)
    expect(rest.body.message.content).toBe('fixed again')
  })

  it('removes the content of a deleted message from every reader', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const sent = await send(a, conversation.id, 'secret')
    if (!sent.ok) throw new Error('send failed')
    const deleted = nextEvent<{ conversationId: string, messageId: string, seq: number, updatedSeq: number }>(b, 'message:deleted')
    expect((await ack(a, 'message:delete', { messageId: sent.message.id })).ok).toBe(true)
    expect(await deleted).toMatchObject({ conversationId: conversation.id, messageId: sent.message.id, seq: sent.message.seq })
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages[0]).toMatchObject({ id: sent.message.id, content: '', contentHtml: '', attachments: [] })
    expect(history.body.messages[0]!.deletedAt).not.toBeNull()
    expect(JSON.stringify(history.body)).not.toContain('secret')
    const viaRest = await send(a, conversation.id, 'second')
    if (!viaRest.ok) throw new Error('send failed')
    const res = await api(alice.base, 'DELETE', `/api/messages/${viaRest.message.id}`, { token: alice.token })
    expect(res).toMatchObject({ status: 200, body: { ok: true } })
  })
})
