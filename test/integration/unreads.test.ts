import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { ProjectUnreadPayload, ReadUpdatePayload, ThreadUnreadPayload, UnreadUpdatePayload } from '#shared/events'
import type { Conversation, Message, Project, ThreadInboxItem, UnreadConversation } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, must, nextEvent, sendOk, setupConversation, signUp, sleep, type SendAck, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

async function replyOk(socket: Socket, conversationId: string, threadRootId: string, content: string): Promise<Message> {
  const reply = await ack<SendAck>(socket, 'message:send', { clientId: randomUUID(), conversationId, content, threadRootId })
  if (!reply.ok) throw new Error(`reply failed: ${JSON.stringify(reply.error)}`)
  return reply.message
}

async function conversationOf(session: Session, id: string): Promise<Conversation> {
  return must(await api<{ conversation: Conversation }>(session.base, 'GET', `/api/conversations/${id}`, { token: session.token }), 'conversation').conversation
}

async function projectOf(session: Session, projectId: string): Promise<Project> {
  const { projects } = must(await api<{ projects: Project[] }>(session.base, 'GET', '/api/projects', { token: session.token }), 'projects')
  return projects.find(p => p.id === projectId)!
}

async function threadsOf(session: Session, query = ''): Promise<ThreadInboxItem[]> {
  return must(await api<{ threads: ThreadInboxItem[] }>(session.base, 'GET', `/api/threads${query}`, { token: session.token }), 'threads').threads
}

/** Alice owns a project with two group conversations Bob and Carol are in; Mallory is outside. */
async function team() {
  const [alice, bob, carol, mallory] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Carol'), signUp('Mallory')])
  const { projectId, conversation } = await setupConversation(alice, [bob, carol])
  const second = must(await api<{ conversation: Conversation }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, {
    token: alice.token, body: { title: 'second', type: 'group', participantIds: [bob.user.id, carol.user.id] }
  }), 'second').conversation
  // Joining put "Alice added …" lines in #general: Bob starts with nothing unread.
  const { conversations } = must(await api<{ conversations: Conversation[] }>(bob.base, 'GET', `/api/projects/${projectId}/conversations`, { token: bob.token }), 'list')
  for (const general of conversations.filter(c => c.type === 'project')) {
    must(await api(bob.base, 'POST', `/api/conversations/${general.id}/read`, { token: bob.token, body: { seq: general.lastSeq } }), 'read general')
  }
  const [a, b, c] = await Promise.all([connect(alice), connect(bob), connect(carol)])
  return { alice, bob, carol, mallory, projectId, conversation, second, a, b, c }
}

describe('mentions in threads', () => {
  it('badge the conversation until the thread is read, however far the timeline is read', async () => {
    const { bob, projectId, conversation, a, b, c } = await team()
    const root = await sendOk(a, conversation.id, 'deploy plan')
    const counted = nextEvent<UnreadUpdatePayload>(b, 'unread:update', p => p.conversationId === conversation.id && p.mentionCount === 1)
    const mention = await replyOk(c, conversation.id, root.id, '@Bob can you check the rollback?')
    expect(await counted).toMatchObject({ conversationId: conversation.id, mentionCount: 1 })
    expect(await projectOf(bob, projectId)).toMatchObject({ mentionCount: 1 })

    // Bob reads the timeline past the reply (a later message): the thread's mention stays.
    const later = await sendOk(a, conversation.id, 'unrelated news')
    must(await api(bob.base, 'POST', `/api/conversations/${conversation.id}/read`, { token: bob.token, body: { seq: later.seq } }), 'read')
    expect(await conversationOf(bob, conversation.id)).toMatchObject({ unreadCount: 0, mentionCount: 1 })
    const [item] = await threadsOf(bob, `?projectId=${projectId}`)
    expect(item).toMatchObject({ conversationId: conversation.id, conversationTitle: 'team', root: { id: root.id }, replyCount: 1, unreadCount: 1, mentionCount: 1 })

    // Reading the thread (asked by one of its replies) clears it, on his other devices too.
    const b2 = await connect(bob)
    const thread = nextEvent<ThreadUnreadPayload>(b2, 'thread:unread')
    const totals = nextEvent<ProjectUnreadPayload>(b2, 'project:unread')
    const read = await api<{ ok: true, thread: ThreadUnreadPayload }>(bob.base, 'POST', `/api/threads/${mention.id}/read`, { token: bob.token })
    expect(read.body).toEqual({ ok: true, thread: { conversationId: conversation.id, threadRootId: root.id, unreadCount: 0, mentionCount: 0 } })
    expect(await thread).toEqual({ conversationId: conversation.id, threadRootId: root.id, unreadCount: 0, mentionCount: 0 })
    expect(await totals).toEqual({ projectId, unreadCount: 0, mentionCount: 0 })
    expect(await conversationOf(bob, conversation.id)).toMatchObject({ mentionCount: 0 })
  })

  it('thread reads are the caller\'s own: someone outside the conversation cannot read (or learn of) a thread', async () => {
    const { mallory, conversation, a } = await team()
    const root = await sendOk(a, conversation.id, 'private plan')
    const res = await api<{ error: { code: string } }>(mallory.base, 'POST', `/api/threads/${root.id}/read`, { token: mallory.token })
    expect(res.status).toBe(403)
    const unknown = await api<{ error: { code: string } }>(mallory.base, 'POST', `/api/threads/${randomUUID()}/read`, { token: mallory.token })
    expect([unknown.status, unknown.body.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await api(mallory.base, 'POST', '/api/threads/not-a-uuid/read', { token: mallory.token })).status).toBe(400)
  })
})

describe('GET /api/threads', () => {
  it('lists the threads one started, replied in or was mentioned in, newest activity first, with unread replies', async () => {
    const { alice, bob, mallory, projectId, conversation, second, a, b, c } = await team()
    const first = await sendOk(a, conversation.id, 'first thread')
    const other = await sendOk(c, second.id, 'second thread')
    await sendOk(c, second.id, 'a thread nobody answers')
    await replyOk(b, conversation.id, first.id, 'bob was here')
    await replyOk(c, conversation.id, first.id, 'carol too')
    await replyOk(c, second.id, other.id, 'hello @Bob')
    await sleep(200)

    const bobs = await threadsOf(bob)
    expect(bobs.map(t => t.root.id)).toEqual([other.id, first.id])
    expect(bobs[0]).toMatchObject({ conversationId: second.id, replyCount: 1, unreadCount: 1, mentionCount: 1 })
    // Bob's own reply reads the thread up to it: Carol's later one is unread, his own never counts.
    expect(bobs[1]).toMatchObject({ conversationId: conversation.id, replyCount: 2, unreadCount: 1, mentionCount: 0 })
    expect(Date.parse(bobs[0]!.lastReplyAt)).toBeGreaterThanOrEqual(Date.parse(bobs[1]!.lastReplyAt))

    // Newest activity first: a new reply brings the older thread back to the top.
    await replyOk(a, conversation.id, first.id, 'closing this')
    await sleep(200)
    expect((await threadsOf(bob)).map(t => t.root.id)).toEqual([first.id, other.id])
    expect((await threadsOf(alice)).map(t => t.root.id)).toEqual([first.id])
    expect((await threadsOf(bob, '?limit=1')).map(t => t.root.id)).toEqual([first.id])

    expect(await threadsOf(mallory)).toEqual([])
    expect((await api(mallory.base, 'GET', `/api/threads?projectId=${projectId}`, { token: mallory.token })).status).toBe(403)
    expect((await api(bob.base, 'GET', '/api/threads?limit=0', { token: bob.token })).status).toBe(400)
  })
})

describe('GET /api/unreads', () => {
  it('lists conversations with unread messages and their first unread messages, oldest first', async () => {
    const { bob, mallory, projectId, conversation, second, a, c } = await team()
    const m1 = await sendOk(a, conversation.id, 'one')
    const m2 = await sendOk(c, conversation.id, 'two')
    await sendOk(a, conversation.id, 'three')
    const s1 = await sendOk(a, second.id, 'elsewhere')
    await sleep(100)
    const list = must(await api<{ conversations: UnreadConversation[] }>(bob.base, 'GET', `/api/unreads?projectId=${projectId}&limit=2`, { token: bob.token }), 'unreads').conversations
    expect(list.map(u => u.conversation.id)).toEqual([second.id, conversation.id])
    expect(list[0]!.messages.map(m => m.id)).toEqual([s1.id])
    expect(list[1]!.conversation.unreadCount).toBe(3)
    expect(list[1]!.messages.map(m => m.id)).toEqual([m1.id, m2.id])

    must(await api(bob.base, 'POST', `/api/conversations/${second.id}/read`, { token: bob.token, body: { seq: s1.seq } }), 'read')
    const across = must(await api<{ conversations: UnreadConversation[] }>(bob.base, 'GET', '/api/unreads', { token: bob.token }), 'unreads').conversations
    expect(across.map(u => u.conversation.id)).toEqual([conversation.id])

    expect((await api(mallory.base, 'GET', `/api/unreads?projectId=${projectId}`, { token: mallory.token })).status).toBe(403)
    expect((await api(bob.base, 'GET', '/api/unreads?projectId=nope', { token: bob.token })).status).toBe(400)
  })
})

describe('mark all as read', () => {
  it('POST /api/conversations/:id/read-all reads the timeline and its threads; the member\'s other devices follow', async () => {
    const { bob, projectId, conversation, second, a, c } = await team()
    const root = await sendOk(a, conversation.id, 'root')
    await replyOk(c, conversation.id, root.id, '@Bob in the thread')
    const last = await sendOk(a, conversation.id, 'plain')
    await sendOk(a, second.id, 'untouched')
    await sleep(200)
    expect(await conversationOf(bob, conversation.id)).toMatchObject({ unreadCount: 2, mentionCount: 1 })

    const b2 = await connect(bob)
    const unread = nextEvent<UnreadUpdatePayload>(b2, 'unread:update', p => p.conversationId === conversation.id)
    const thread = nextEvent<ThreadUnreadPayload>(b2, 'thread:unread')
    const totals = nextEvent<ProjectUnreadPayload>(b2, 'project:unread')
    const receipt = nextEvent<ReadUpdatePayload>(a, 'read:update', p => p.userId === bob.user.id)
    const res = await api(bob.base, 'POST', `/api/conversations/${conversation.id}/read-all`, { token: bob.token })
    expect(res).toEqual({ status: 200, body: { ok: true } })
    expect(await unread).toEqual({ conversationId: conversation.id, unreadCount: 0, mentionCount: 0 })
    expect(await thread).toEqual({ conversationId: conversation.id, threadRootId: root.id, unreadCount: 0, mentionCount: 0 })
    expect(await totals).toEqual({ projectId, unreadCount: 1, mentionCount: 0 })
    expect((await receipt).seq).toBeGreaterThanOrEqual(last.seq)
    expect(await conversationOf(bob, conversation.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 })
    expect(await conversationOf(bob, second.id)).toMatchObject({ unreadCount: 1 })
    expect((await threadsOf(bob)).map(t => [t.root.id, t.unreadCount, t.mentionCount])).toEqual([[root.id, 0, 0]])
  })

  it('POST /api/projects/:id/read-all reads every conversation of the project', async () => {
    const { bob, projectId, conversation, second, a, b } = await team()
    await sendOk(a, conversation.id, 'one @Bob')
    await sendOk(a, second.id, 'two')
    await sleep(200)
    expect(await projectOf(bob, projectId)).toMatchObject({ unreadCount: 2, mentionCount: 1 })
    const updates = collect<UnreadUpdatePayload>(b, 'unread:update')
    const totals = nextEvent<ProjectUnreadPayload>(b, 'project:unread', p => p.unreadCount === 0)
    expect(await api(bob.base, 'POST', `/api/projects/${projectId}/read-all`, { token: bob.token })).toEqual({ status: 200, body: { ok: true } })
    expect(await totals).toEqual({ projectId, unreadCount: 0, mentionCount: 0 })
    expect(updates.items.map(u => u.conversationId).sort()).toEqual([conversation.id, second.id].sort())
    expect(updates.items.every(u => u.unreadCount === 0 && u.mentionCount === 0)).toBe(true)
    expect(await projectOf(bob, projectId)).toMatchObject({ unreadCount: 0, mentionCount: 0 })
  })

  it('refuses someone outside, changing nothing', async () => {
    const { bob, mallory, projectId, conversation, a } = await team()
    await sendOk(a, conversation.id, 'for the team')
    await sleep(100)
    const byConversation = await api<{ error: { code: string } }>(mallory.base, 'POST', `/api/conversations/${conversation.id}/read-all`, { token: mallory.token })
    expect([byConversation.status, byConversation.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const byProject = await api<{ error: { code: string } }>(mallory.base, 'POST', `/api/projects/${projectId}/read-all`, { token: mallory.token })
    expect([byProject.status, byProject.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const missing = await api<{ error: { code: string } }>(mallory.base, 'POST', `/api/conversations/${randomUUID()}/read-all`, { token: mallory.token })
    expect(missing.status).toBe(403)
    expect((await api(mallory.base, 'POST', '/api/projects/nope/read-all', { token: mallory.token })).status).toBe(400)
    expect((await api(mallory.base, 'POST', `/api/projects/${projectId}/read-all`)).status).toBe(401)
    expect(await conversationOf(bob, conversation.id)).toMatchObject({ unreadCount: 1 })
  })
})
