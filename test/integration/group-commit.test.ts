import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Conversation, Message } from '#shared/types'
import { SUITE_AUTH_LIMITS, startInstance, type Instance } from '../support/instance.mjs'
import { api, closeAllSockets, connect, must, send, setupConversation, signUp, type SendAck, type Session } from '../support/helpers'

// A server of its own: the bursts below are far past the default send budget. On embedded defaults
// it has its own PGlite; in the Postgres + Redis suite it uses that suite's database.
let server: Instance
beforeAll(async () => {
  const services = inject('services') as { databaseUrl: string, redisUrl: string } | undefined
  server = await startInstance({
    env: { ...SUITE_AUTH_LIMITS, CHAT_RATE_LIMIT_PER_MINUTE: '100000', ...(services ? { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl } : {}) }
  })
})
afterAll(async () => {
  closeAllSockets()
  await server?.stop()
})

async function historyOf(session: Session, conversationId: string): Promise<Message[]> {
  const all: Message[] = []
  let afterSeq = 0
  for (;;) {
    const page = must(await api<{ messages: Message[], hasMore: boolean }>(server.url, 'GET', `/api/conversations/${conversationId}/messages?limit=100&afterSeq=${afterSeq}`, { token: session.token }), 'history')
    all.push(...page.messages)
    if (!page.hasMore || !page.messages.length) return all
    afterSeq = page.messages.at(-1)!.seq
  }
}

/** The group-commit histogram's sum and count, read off /metrics. */
async function batches(): Promise<{ messages: number, statements: number, emitted: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm'))?.[1] ?? 0)
  return { messages: value('chat_group_commit_batch_size_sum'), statements: value('chat_group_commit_batch_size_count'), emitted: value('chat_send_emit_seconds_count') }
}

describe('sends committed together', () => {
  it('a burst across conversations, with duplicates and refused sends: each sender gets its own answer, seqs stay contiguous', async () => {
    const people = await Promise.all(Array.from({ length: 9 }, (_, i) => signUp(`Batch ${i}`, server.url)))
    const [owner, ...rest] = people as [Session, ...Session[]]
    const { projectId, conversation: all } = await setupConversation(owner, rest, 'all')
    const small = must(await api<{ conversation: Conversation }>(server.url, 'POST', `/api/projects/${projectId}/conversations`, {
      token: owner.token, body: { title: 'small', type: 'group', participantIds: rest.slice(0, 3).map(p => p.user.id) }
    }), 'small').conversation
    const inSmall = new Set([owner, ...rest.slice(0, 3)].map(p => p.user.id))

    const sockets = await Promise.all(people.map(p => connect(p)))
    const twin = await connect(people[1]!)
    const before = await batches()

    type Attempt = { who: number, conversationId: string, clientId: string, content: string, reply: Promise<SendAck> }
    const attempts: Attempt[] = []
    for (let round = 0; round < 12; round++) {
      people.forEach((_, who) => {
        // Everyone writes to "all"; every other round the first four also write to "small", and the others try to (refused).
        const targets = round % 2 ? [all.id, small.id] : [all.id]
        for (const conversationId of targets) {
          const clientId = randomUUID()
          const content = `r${round} p${who} ${conversationId === all.id ? 'all' : 'small'}`
          attempts.push({ who, conversationId, clientId, content, reply: send(sockets[who]!, conversationId, content, clientId) })
        }
      })
      // The same message from a second tab at the same instant: one copy.
      const clientId = randomUUID()
      const content = `r${round} twin`
      attempts.push({ who: 1, conversationId: all.id, clientId, content, reply: send(sockets[1]!, all.id, content, clientId) })
      attempts.push({ who: 1, conversationId: all.id, clientId, content, reply: send(twin, all.id, content, clientId) })
    }
    const replies = await Promise.all(attempts.map(a => a.reply))

    attempts.forEach((a, i) => {
      const reply = replies[i]!
      const allowed = a.conversationId === all.id || inSmall.has(people[a.who]!.user.id)
      if (!allowed) {
        expect(reply.ok ? 'ok' : reply.error.code).toBe('FORBIDDEN')
        return
      }
      expect(reply.ok, JSON.stringify(reply)).toBe(true)
      if (reply.ok) {
        expect(reply.message.clientId).toBe(a.clientId)
        expect(reply.message.content).toBe(a.content)
        expect(reply.message.conversationId).toBe(a.conversationId)
      }
    })

    for (const conversation of [all, small]) {
      const stored = (await historyOf(owner, conversation.id)).filter(m => m.type === 'text')
      const wanted = attempts.filter((a, i) => a.conversationId === conversation.id && replies[i]!.ok)
      const wantedIds = new Set(wanted.map(a => a.clientId))
      // Each acknowledged message stored once, nothing refused stored.
      expect(stored.map(m => m.clientId).sort()).toEqual([...wantedIds].sort())
      // Every ack names the stored row, the twins the same one.
      const idByClient = new Map(stored.map(m => [m.clientId, m.id]))
      attempts.forEach((a, i) => {
        const reply = replies[i]!
        if (a.conversationId === conversation.id && reply.ok) expect(reply.message.id).toBe(idByClient.get(a.clientId))
      })
      // Seqs without gaps or repeats, and each socket's messages in the order it sent them.
      const seqs = (await historyOf(owner, conversation.id)).map(m => m.seq)
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i))
      for (let who = 0; who < people.length; who++) {
        const mine = stored.filter(m => m.senderId === people[who]!.user.id && !m.content.endsWith('twin')).map(m => m.content)
        const order = attempts.filter(a => a.who === who && a.conversationId === conversation.id && !a.content.endsWith('twin')).map(a => a.content)
        expect(mine).toEqual(order.filter(c => mine.includes(c)))
      }
    }
    const twins = replies.filter((r, i) => r.ok && attempts[i]!.content.endsWith('twin'))
    expect(twins.filter(r => r.ok && r.duplicate)).toHaveLength(12)

    // Sends that arrived together were written by fewer statements than messages.
    const after = await batches()
    expect(after.messages - before.messages).toBeGreaterThan(after.statements - before.statements)
    // Each new message was timed from the send path to its delivery, duplicates not.
    expect(after.emitted - before.emitted).toBe(replies.filter(r => r.ok && !r.duplicate).length)

    // Each sender's read marker is past their own last message: nothing of theirs counts as unread.
    const mine = must(await api<{ conversations: Conversation[] }>(server.url, 'GET', `/api/projects/${projectId}/conversations`, { token: people[2]!.token }), 'conversations').conversations
    const lastOwn = Math.max(...(await historyOf(owner, all.id)).filter(m => m.senderId === people[2]!.user.id).map(m => m.seq))
    const lastSeq = mine.find(c => c.id === all.id)!.lastSeq
    expect(mine.find(c => c.id === all.id)!.unreadCount).toBeLessThanOrEqual(lastSeq - lastOwn)
  })
})
