import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import type { MessageDeletedPayload } from '#shared/events'
import {
  ack, api, closeAllSockets, collect, connect, logIn, nextEvent, send, sendOk, setupConversation, signUp, until, waitConnected
} from '../support/helpers'
import { history, instances, percentile, syncAll } from './helpers'

afterEach(() => closeAllSockets())

describe('two instances sharing Postgres and Redis', () => {
  it('delivers a message sent on A to a socket on B (latency logged)', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'latency', A)).conversation
    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    const latencies: number[] = []
    for (let i = 0; i < 20; i++) {
      const content = `latency ${i}`
      const received = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === content)
      const started = performance.now()
      const [reply, { message }] = await Promise.all([send(a, conversation.id, content), received])
      latencies.push(performance.now() - started)
      expect(reply.ok).toBe(true)
      if (reply.ok) expect(message).toMatchObject({ id: reply.message.id, seq: reply.message.seq, senderId: alice.user.id })
    }
    const fmt = (v: number) => v.toFixed(1)
    console.log(`[services] A->B send->deliver ms over ${latencies.length}: median ${fmt(percentile(latencies, 50))}, p95 ${fmt(percentile(latencies, 95))}, max ${fmt(Math.max(...latencies))}`)
    expect(percentile(latencies, 50)).toBeLessThan(500)
  })

  it('demo users: alice on A reaches bob on B; a member added on A joins rooms on B at once', async () => {
    const { A, B } = instances()
    const alice = await logIn('alice@example.com', 'password', A)
    const bob = await logIn('bob@example.com', 'password', B)
    const admin = await logIn('admin@example.com', 'password', A)
    const projects = await api<{ projects: { id: string, name: string }[] }>(A, 'GET', '/api/projects', { token: alice.token })
    const demo = projects.body.projects.find(p => p.name === 'Demo')!
    expect(demo).toBeTruthy()
    const convs = await api<{ conversations: { id: string, title: string }[] }>(A, 'GET', `/api/projects/${demo.id}/conversations`, { token: alice.token })
    const design = convs.body.conversations.find(c => c.title === 'design')!
    const general = convs.body.conversations.find(c => c.title === 'general')!
    expect(design && general).toBeTruthy()

    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    const got = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.conversationId === design.id)
    const sent = await sendOk(a, design.id, `hi bob from A ${randomUUID()}`)
    expect((await got).message.id).toBe(sent.id)

    // A fresh user connected to B is added to Demo through A: B's socket must join #general cluster-wide.
    const carol = await signUp('Carol', B)
    const c = await connect(carol, { base: B })
    const announced = nextEvent(c, 'conversation:updated', () => true, 5000).catch(() => null)
    const added = await api(A, 'POST', `/api/projects/${demo.id}/members`, { token: admin.token, body: { email: carol.user.email, role: 'member' } })
    expect(added.status).toBe(200)
    await announced
    const toCarol = nextEvent<{ message: Message }>(c, 'message:new', p => p.message.conversationId === general.id, 5000)
    const welcome = await sendOk(a, general.id, `welcome carol ${randomUUID()}`)
    expect((await toCarol).message.id).toBe(welcome.id)
  })

  it('interleaved sends from A and B: gap-free seqs, same seq order everywhere, per-sender order kept', async () => {
    const { A, B } = instances()
    const [s1, s2, o1, o2] = await Promise.all([signUp('S1', A), signUp('S2', B), signUp('O1', A), signUp('O2', B)])
    const conversation = (await setupConversation(s1, [s2, o1, o2], 'order', A)).conversation
    const [a1, b2, oa, ob] = await Promise.all([connect(s1, { base: A }), connect(s2, { base: B }), connect(o1, { base: A }), connect(o2, { base: B })])
    const seenA = collect<{ message: Message }>(oa, 'message:new')
    const seenB = collect<{ message: Message }>(ob, 'message:new')
    const PER_SENDER = 15
    const burst = async (socket: typeof a1, tag: string) => {
      const acked: Message[] = []
      for (let i = 0; i < PER_SENDER; i++) acked.push(await sendOk(socket, conversation.id, `${tag}-${i}`))
      return acked
    }
    const [fromA, fromB] = await Promise.all([burst(a1, 'A'), burst(b2, 'B')])
    const total = PER_SENDER * 2
    await until(() => seenA.items.length >= total && seenB.items.length >= total, 8000, 'every message on both observers')
    await new Promise(r => setTimeout(r, 200)) // nothing extra may arrive
    expect(seenA.items).toHaveLength(total)
    expect(seenB.items).toHaveLength(total)

    const acked = [...fromA, ...fromB].sort((x, y) => x.seq - y.seq)
    const first = acked[0]!.seq
    expect(acked.map(m => m.seq)).toEqual(Array.from({ length: total }, (_, i) => first + i))
    for (const observed of [seenA.items, seenB.items]) {
      const bySeq = observed.map(p => p.message).sort((x, y) => x.seq - y.seq)
      expect(bySeq.map(m => m.id)).toEqual(acked.map(m => m.id))
      for (const sender of [s1.user.id, s2.user.id]) {
        const seqs = observed.filter(p => p.message.senderId === sender).map(p => p.message.seq)
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
      }
    }
    const inversions = (items: { message: Message }[]) => items.filter((p, i) => i > 0 && p.message.seq < items[i - 1]!.message.seq).length
    console.log(`[services] arrival-order inversions (clients must order by seq): observer on A ${inversions(seenA.items)}, on B ${inversions(seenB.items)}`)

    const [histA, histB] = await Promise.all([history(A, o1, conversation.id), history(B, o2, conversation.id)])
    expect(histA.map(m => m.id)).toEqual(acked.map(m => m.id))
    expect(histB.map(m => m.id)).toEqual(acked.map(m => m.id))
  })

  it('a retried clientId returns the original on the other instance, also when both race', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'dupes', A)).conversation
    const [a, b, aliceOnB, watcher] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B }), connect(alice, { base: B }), connect(bob, { base: B })])
    const news = collect<{ message: Message }>(watcher, 'message:new')
    void b

    // Sequential retry: A first, then B (socket) and B (REST).
    const clientId = randomUUID()
    const original = await send(a, conversation.id, 'once', clientId)
    expect(original.ok && original.duplicate).toBe(false)
    const retry = await send(aliceOnB, conversation.id, 'once (retry)', clientId)
    expect(retry.ok).toBe(true)
    if (!original.ok || !retry.ok) return
    expect(retry.duplicate).toBe(true)
    expect(retry.message).toMatchObject({ id: original.message.id, seq: original.message.seq, content: 'once' })
    const rest = await api<{ message: Message, duplicate: boolean }>(B, 'POST', `/api/conversations/${conversation.id}/messages`, { token: alice.token, body: { clientId, content: 'once (rest)' } })
    expect(rest.status).toBe(200)
    expect(rest.body).toMatchObject({ duplicate: true, message: { id: original.message.id, seq: original.message.seq } })

    // Concurrent: the same clientId on A and B in the same tick, ten times.
    const races = 10
    for (let i = 0; i < races; i++) {
      const id = randomUUID()
      const [ra, rb] = await Promise.all([send(a, conversation.id, `race ${i}`, id), send(aliceOnB, conversation.id, `race ${i}`, id)])
      expect(ra.ok && rb.ok).toBe(true)
      if (!ra.ok || !rb.ok) return
      expect(ra.message.id).toBe(rb.message.id)
      expect(ra.message.seq).toBe(rb.message.seq)
      expect([ra.duplicate, rb.duplicate].sort()).toEqual([false, true])
    }
    await until(() => news.items.length >= races + 1, 5000, 'broadcasts')
    await new Promise(r => setTimeout(r, 300))
    expect(news.items).toHaveLength(races + 1) // exactly one broadcast per clientId
    const all = await history(B, bob, conversation.id)
    expect(all).toHaveLength(races + 1)
    expect(all.map(m => m.seq)).toEqual(Array.from({ length: races + 1 }, (_, i) => all[0]!.seq + i))
    expect(new Set(all.map(m => m.clientId)).size).toBe(races + 1)
  })

  it('edit and delete on A are pushed to B and visible through B', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'edits', A)).conversation
    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    const first = await sendOk(a, conversation.id, 'first draft')
    const second = await sendOk(a, conversation.id, 'to be deleted')

    const updated = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.id === first.id)
    const edit = await ack<{ ok: boolean, message: Message }>(a, 'message:edit', { messageId: first.id, content: 'final *text*' })
    expect(edit.ok).toBe(true)
    const { message: pushed } = await updated
    expect(pushed).toMatchObject({ id: first.id, seq: first.seq, content: 'final *text*' })
    expect(pushed.editedAt).toBeTruthy()
    expect(pushed.updatedSeq).toBeGreaterThan(second.seq)

    const deleted = nextEvent<MessageDeletedPayload>(b, 'message:deleted', p => p.messageId === second.id)
    const del = await ack<{ ok: boolean }>(a, 'message:delete', { messageId: second.id })
    expect(del.ok).toBe(true)
    const gone = await deleted
    expect(gone).toMatchObject({ conversationId: conversation.id, messageId: second.id, seq: second.seq })
    expect(gone.updatedSeq).toBeGreaterThan(pushed.updatedSeq)

    const onB = await history(B, bob, conversation.id)
    expect(onB.find(m => m.id === first.id)).toMatchObject({ content: 'final *text*', updatedSeq: pushed.updatedSeq })
    expect(onB.find(m => m.id === second.id)).toMatchObject({ content: '', updatedSeq: gone.updatedSeq })
    expect(onB.find(m => m.id === second.id)!.deletedAt).toBeTruthy()
  })

  it('a socket on B that was away catches up with sync:request, paged by updatedSeq, with no gap', { timeout: 90000 }, async () => {
    const { A, B } = instances()
    const SENDERS = 8
    const PER_SENDER = 26 // under the 30/min budget; 208 new messages > one 200-message sync page
    const owner = await signUp('Owner', A)
    const senders = await Promise.all(Array.from({ length: SENDERS }, (_, i) => signUp(`Sender${i}`, A)))
    const reader = await signUp('Reader', B)
    const conversation = (await setupConversation(owner, [...senders, reader], 'gap', A)).conversation
    const ownerSocket = await connect(owner, { base: A })
    const b = await connect(reader, { base: B })

    const before: Message[] = []
    for (let i = 0; i < 4; i++) {
      const got = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === `before ${i}`)
      await sendOk(ownerSocket, conversation.id, `before ${i}`)
      before.push((await got).message)
    }
    const lastSeen = Math.max(...before.map(m => m.updatedSeq))
    b.disconnect()

    const sockets = await Promise.all(senders.map(s => connect(s, { base: A })))
    const sent = (await Promise.all(sockets.map(async (s, i) => {
      const out: Message[] = []
      for (let j = 0; j < PER_SENDER; j++) out.push(await sendOk(s, conversation.id, `gap ${i}.${j}`))
      return out
    }))).flat()
    // Changes to messages from before the gap and from inside it.
    const edited = [before[0]!, before[1]!, sent[3]!, sent[40]!, sent[100]!]
    for (const m of edited) {
      const socket = m.senderId === owner.user.id ? ownerSocket : sockets[senders.findIndex(s => s.user.id === m.senderId)]!
      const r = await ack<{ ok: boolean }>(socket, 'message:edit', { messageId: m.id, content: `edited ${m.id}` })
      expect(r.ok).toBe(true)
    }
    const removed = [before[2]!, sent[7]!, sent[150]!]
    for (const m of removed) {
      const r = await ack<{ ok: boolean }>(ownerSocket, 'message:delete', { messageId: m.id })
      expect(r.ok).toBe(true) // the project owner created the conversation: owner may moderate
    }

    b.connect()
    await waitConnected(b)
    const live = collect<{ message: Message }>(b, 'message:new')
    const { messages, pages, cursor } = await syncAll(b, conversation.id, lastSeen)
    live.stop()
    const updatedSeqs = messages.map(m => m.updatedSeq)
    expect(updatedSeqs).toEqual([...updatedSeqs].sort((x, y) => x - y))
    expect(new Set(updatedSeqs).size).toBe(updatedSeqs.length)
    expect(new Set(messages.map(m => m.id)).size).toBe(messages.length)
    expect(pages).toBeGreaterThanOrEqual(2)

    const truth = (await history(B, reader, conversation.id)).filter(m => m.updatedSeq > lastSeen).sort((x, y) => x.updatedSeq - y.updatedSeq)
    expect(messages.map(m => m.id)).toEqual(truth.map(m => m.id))
    expect(messages.map(m => m.updatedSeq)).toEqual(truth.map(m => m.updatedSeq))
    for (const m of sent) expect(messages.some(x => x.id === m.id)).toBe(true)
    for (const m of edited) expect(messages.find(x => x.id === m.id)).toMatchObject({ content: `edited ${m.id}` })
    for (const m of removed) expect(messages.find(x => x.id === m.id)).toMatchObject({ content: '' })
    expect(cursor).toBe(truth.at(-1)!.updatedSeq)
    console.log(`[services] sync after reconnect: ${messages.length} changes in ${pages} pages (cursor ${lastSeen} -> ${cursor})`)

    // Live delivery resumes on the reconnected socket.
    const after = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === 'after')
    await sendOk(ownerSocket, conversation.id, 'after')
    expect((await after).message.seq).toBeGreaterThan(Math.max(...sent.map(m => m.seq)))
  })
})
