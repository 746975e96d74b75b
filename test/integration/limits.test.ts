import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { ack, api, closeAllSockets, connect, send, setupConversation, signUp } from '../support/helpers'

afterEach(() => closeAllSockets())

describe('validation', () => {
  it('rejects empty, blank and too long content naming the field, and stores nothing', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    for (const content of ['', '   \n ', 'x'.repeat(5001)]) {
      const reply = await send(a, conversation.id, content)
      expect(reply.ok).toBe(false)
      if (reply.ok) continue
      expect(reply.error.code).toBe('VALIDATION')
      expect((reply.error.details?.fields as { field: string }[])[0]!.field).toBe('content')
    }
    const ok = await send(a, conversation.id, 'x'.repeat(5000))
    expect(ok.ok).toBe(true)
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages).toHaveLength(1)
  })

  it('rejects malformed ids and payloads over REST and socket', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const badClient = await ack(a, 'message:send', { clientId: 'nope', conversationId: conversation.id, content: 'x' })
    expect(badClient.error?.code).toBe('VALIDATION')
    const notObject = await ack(a, 'message:send', 'hello')
    expect(notObject.error?.code).toBe('VALIDATION')
    const badParam = await api(alice.base, 'GET', '/api/conversations/not-a-uuid/messages', { token: alice.token })
    expect(badParam.status).toBe(400)
    const badQuery = await api(alice.base, 'GET', `/api/conversations/${conversation.id}/messages?limit=1000`, { token: alice.token })
    expect(badQuery.status).toBe(400)
    expect(badQuery.body.error?.code).toBe('VALIDATION')
    const badJson = await api(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: alice.token, raw: '{nope' })
    expect(badJson.status).toBe(400)
  })

  it('refuses a socket event over the payload cap', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const reply = await ack(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'x'.repeat(100_000) })
    expect(reply.error?.code).toBe('PAYLOAD_TOO_LARGE')
  })
})

describe('rate limit', () => {
  it('allows 30 messages a minute, then answers RATE_LIMITED with retryAfterMs', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    for (let i = 0; i < 30; i++) {
      const r = await send(a, conversation.id, `n${i}`)
      expect(r.ok).toBe(true)
    }
    const limited = await send(a, conversation.id, 'one too many')
    expect(limited.ok).toBe(false)
    if (limited.ok) return
    expect(limited.error.code).toBe('RATE_LIMITED')
    expect(limited.error.details?.retryAfterMs).toBeGreaterThan(0)
    const rest = await api(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: alice.token, body: { clientId: randomUUID(), content: 'rest too' } })
    expect(rest.status).toBe(429)
    // Another member still has a full budget.
    const bob = await signUp('Bob')
    const added = await setupConversation(bob, [])
    const b = await connect(bob)
    expect((await send(b, added.conversation.id, 'fine')).ok).toBe(true)
  })
})

describe('rendering', () => {
  it('renders XSS payloads inert and code highlighted', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const payloads = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[x](javascript:alert(1))', '<a href="javascript:alert(1)">y</a>', '<svg onload=alert(1)>']
    for (const content of payloads) {
      const r = await send(a, conversation.id, content)
      if (!r.ok) throw new Error('send failed')
      expect(r.message.content).toBe(content)
      expect(r.message.contentHtml).not.toMatch(/<(script|img|svg)\b/i)
      expect(r.message.contentHtml).not.toMatch(/<[^>]+\son\w+=/i)
      expect(r.message.contentHtml).not.toMatch(/<a\b[^>]*href="javascript:/i)
    }
    const code = await send(a, conversation.id, '```js\nlet a = 1\n```')
    expect(code.ok && code.message.contentHtml).toContain('class="shiki')
  })
})

describe('conversations', () => {
  it('creates a conversation, starts a DM once, and lists them with previews', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    expect(conversation).toMatchObject({ type: 'group', title: 'team', status: 'active', lastSeq: 0, unreadCount: 0, myRole: 'owner', settings: { slowModeSeconds: 0 } })
    const dm1 = await api<{ conversation: { id: string, type: string, title: string } }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } })
    const dm2 = await api<{ conversation: { id: string } }>(bob.base, 'POST', '/api/dm', { token: bob.token, body: { userId: alice.user.id } })
    expect(dm1.body.conversation.type).toBe('direct')
    expect(dm1.body.conversation.title).toBe('Bob')
    expect(dm2.body.conversation.id).toBe(dm1.body.conversation.id)
    const stranger = await signUp('Stranger')
    const refused = await api(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: stranger.user.id } })
    expect(refused.status).toBe(403)
    const list = await api<{ conversations: { id: string }[] }>(bob.base, 'GET', `/api/projects/${projectId}/conversations`, { token: bob.token })
    expect(list.body.conversations.map(c => c.id)).toEqual(expect.arrayContaining([conversation.id, dm1.body.conversation.id]))
    const detail = await api<{ participants: { userId: string, role: string }[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token })
    expect(detail.body.participants.map(p => p.userId).sort()).toEqual([alice.user.id, bob.user.id].sort())
  })

  it('lists project members with who is online, and announces changes', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId } = await setupConversation(alice, [bob])
    const a = await connect(alice)
    const members = async () => (await api<{ members: { userId: string, presence: string }[] }>(alice.base, 'GET', `/api/projects/${projectId}/members`, { token: alice.token })).body.members
    expect((await members()).find(m => m.userId === bob.user.id)?.presence).toBe('offline')
    const online = new Promise<{ userId: string, status: string }>(resolve => a.on('presence:change', p => p.userId === bob.user.id && resolve(p)))
    const b = await connect(bob)
    expect((await online).status).toBe('online')
    expect((await members()).find(m => m.userId === bob.user.id)?.presence).toBe('online')
    await ack(b, 'presence:update', { status: 'dnd' })
    expect((await members()).find(m => m.userId === bob.user.id)?.presence).toBe('dnd')
    const offline = new Promise<{ status: string }>(resolve => a.on('presence:change', p => p.userId === bob.user.id && p.status === 'offline' && resolve(p)))
    b.close()
    expect((await offline).status).toBe('offline')
  })

  it('joins open sockets to a new conversation without reconnecting', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const first = await setupConversation(alice, [bob])
    const b = await connect(bob)
    const announced = new Promise<{ conversation: { id: string } }>(resolve => b.once('conversation:updated', resolve))
    const created = await api<{ conversation: { id: string } }>(alice.base, 'POST', `/api/projects/${first.projectId}/conversations`, {
      token: alice.token, body: { title: 'fresh', type: 'group', participantIds: [bob.user.id] }
    })
    expect((await announced).conversation.id).toBe(created.body.conversation.id)
    const a = await connect(alice)
    const received = new Promise<{ message: Message }>(resolve => b.once('message:new', resolve))
    await send(a, created.body.conversation.id, 'welcome')
    expect((await received).message.content).toBe('welcome')
  })
})
