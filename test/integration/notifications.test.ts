import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { NotificationPayload, PresenceChangePayload, ProjectUnreadPayload, UnreadUpdatePayload } from '#shared/events'
import type { Conversation, ProjectMember, User } from '#shared/types'
import {
  ack, api, baseUrl, closeAllSockets, collect, connect, must, nextEvent, send, sendOk, setupConversation, signUp, sleep, until, type SendAck, type Session
} from '../support/helpers'

afterEach(() => closeAllSockets())

describe('notifications', () => {
  it('tell a mentioned member, with their new mention count, and nobody else', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    const { conversation } = await setupConversation(alice, [bob, carol])
    const [a, b, c] = await Promise.all([connect(alice), connect(bob), connect(carol)])
    const toCarol = collect<NotificationPayload>(c, 'notification')
    const notified = nextEvent<NotificationPayload>(b, 'notification')
    const counted = nextEvent<UnreadUpdatePayload>(b, 'unread:update', p => p.conversationId === conversation.id)
    const sent = await send(a, conversation.id, 'can you review this, @Bob?')
    if (!sent.ok) throw new Error('send failed')
    expect(await notified).toEqual({
      kind: 'mention', conversationId: conversation.id, messageId: sent.message.id, title: 'Alice in team', body: 'can you review this, @Bob?',
      sender: { id: alice.user.id, displayName: 'Alice', avatarUrl: null }, url: `/c/${conversation.id}#m-${sent.message.seq}`
    })
    expect(await counted).toMatchObject({ mentionCount: 1, unreadCount: 1 })
    await sleep(200)
    expect(toCarol.items).toEqual([])
  })

  it('tell the people in a thread about a reply, and the other person about a direct message', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const root = await send(a, conversation.id, 'thoughts?')
    if (!root.ok) throw new Error('send failed')
    const reply = nextEvent<NotificationPayload>(a, 'notification')
    await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'looks good', threadRootId: root.message.id })
    expect(await reply).toMatchObject({ kind: 'reply', title: 'Bob in team', body: 'looks good' })

    const dm = await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } })
    const direct = nextEvent<NotificationPayload>(b, 'notification', p => p.kind === 'dm')
    await send(a, dm.body.conversation.id, 'lunch?')
    expect(await direct).toMatchObject({ kind: 'dm', title: 'Alice', body: 'lunch?' })
  })

  it('stay quiet in Do Not Disturb', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    await ack(b, 'presence:update', { status: 'dnd' })
    const heard = collect<NotificationPayload>(b, 'notification')
    await send(a, conversation.id, '@Bob urgent?')
    await sleep(300)
    expect(heard.items).toEqual([])
  })
})

describe('PATCH /api/conversations/:id/preferences', () => {
  it('sets the level and a timed mute; notifications follow them', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const path = `/api/conversations/${conversation.id}/preferences`
    const root = await send(b, conversation.id, 'my thread')
    if (!root.ok) throw new Error('send failed')

    const synced = nextEvent<{ conversation: Conversation }>(b, 'conversation:updated')
    const muted = await api<{ conversation: Conversation }>(bob.base, 'PATCH', path, { token: bob.token, body: { notificationLevel: 'mentions' } })
    expect(muted.body.conversation.preferences).toEqual({ notificationLevel: 'mentions', mutedUntil: null })
    expect((await synced).conversation.preferences.notificationLevel).toBe('mentions')
    const heard = collect<NotificationPayload>(b, 'notification')
    await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'a reply', threadRootId: root.message.id })
    await sleep(250)
    expect(heard.items).toEqual([])
    await send(a, conversation.id, '@Bob this one counts')
    await sleep(250)
    expect(heard.items.map(n => n.kind)).toEqual(['mention'])

    const until = new Date(Date.now() + 3_600_000).toISOString()
    const timed = await api<{ conversation: Conversation }>(bob.base, 'PATCH', path, { token: bob.token, body: { mutedUntil: until } })
    expect(timed.body.conversation.preferences.mutedUntil).toBe(until)
    await send(a, conversation.id, '@Bob and now?')
    await sleep(250)
    expect(heard.items).toHaveLength(1)

    expect((await api(bob.base, 'PATCH', path, { token: bob.token, body: { notificationLevel: 'loud' } })).status).toBe(400)
    expect((await api(mallory.base, 'PATCH', path, { token: mallory.token, body: { notificationLevel: 'none' } })).status).toBe(403)
  })
})

function replyTo(socket: Socket, conversationId: string, threadRootId: string, content: string) {
  return ack<SendAck>(socket, 'message:send', { clientId: randomUUID(), conversationId, content, threadRootId })
}

async function setPreferences(session: Session, conversationId: string, body: Record<string, unknown>) {
  return must(await api(session.base, 'PATCH', `/api/conversations/${conversationId}/preferences`, { token: session.token, body }), 'preferences')
}

function patchMe(session: Session, body: Record<string, unknown>) {
  return api<{ user: User }>(session.base, 'PATCH', '/api/me', { token: session.token, body })
}

/** Waits for `count` items, then a little longer so that an extra one would show. */
async function settle<T>(heard: { items: T[] }, count: number) {
  if (count > 0) await until(() => heard.items.length >= count, 5000, `${count} notifications`)
  await sleep(300)
}

describe('who is told: level, mute, Do Not Disturb', () => {
  it.each([
    ['all', ['dm', 'mention', 'reply']],
    ['mentions', ['dm', 'mention']],
    ['none', []]
  ] as const)('the level "%s" lets through %j', async (level, expected) => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const root = await sendOk(b, conversation.id, 'my thread')
    const dm = must(await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id, projectId } }), 'dm').conversation
    for (const id of [conversation.id, dm.id]) await setPreferences(bob, id, { notificationLevel: level })
    const heard = collect<NotificationPayload>(b, 'notification')
    await replyTo(a, conversation.id, root.id, 'a reply')
    await sendOk(a, conversation.id, '@Bob look')
    await sendOk(a, dm.id, 'psst')
    await settle(heard, expected.length)
    expect(heard.items.map(n => n.kind).sort()).toEqual(expected)
  })

  it('a mute, timed or until unmuted, holds notifications back until it is lifted', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const heard = collect<NotificationPayload>(b, 'notification')
    await setPreferences(bob, conversation.id, { mutedUntil: new Date(Date.now() + 3_600_000).toISOString() })
    await sendOk(a, conversation.id, '@Bob timed mute')
    // "Until I unmute": a time far ahead.
    await setPreferences(bob, conversation.id, { mutedUntil: '2999-12-31T00:00:00.000Z' })
    await sendOk(a, conversation.id, '@Bob long mute')
    await settle(heard, 0)
    expect(heard.items).toEqual([])
    await setPreferences(bob, conversation.id, { mutedUntil: null })
    await sendOk(a, conversation.id, '@Bob unmuted')
    await settle(heard, 1)
    expect(heard.items.map(n => n.body)).toEqual(['@Bob unmuted'])
  })

  it('Do Not Disturb on a timer: nothing while it lasts (counts still move), "dnd" shown to others, and back when it lapses', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const shown = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'dnd')
    const ends = new Date(Date.now() + 3000).toISOString()
    const patched = await patchMe(bob, { dndUntil: ends })
    expect(patched.status).toBe(200)
    expect(patched.body.user.dndUntil).toBe(ends)
    await shown
    const members = must(await api<{ members: ProjectMember[] }>(alice.base, 'GET', `/api/projects/${projectId}/members`, { token: alice.token }), 'members').members
    expect(members.find(m => m.userId === bob.user.id)?.presence).toBe('dnd')

    const heard = collect<NotificationPayload>(b, 'notification')
    const counted = nextEvent<UnreadUpdatePayload>(b, 'unread:update', p => p.conversationId === conversation.id)
    const totals = nextEvent<ProjectUnreadPayload>(b, 'project:unread', p => p.projectId === projectId)
    await sendOk(a, conversation.id, '@Bob in a meeting?')
    expect(await counted).toMatchObject({ mentionCount: 1 })
    expect(await totals).toMatchObject({ projectId, mentionCount: 1 })
    await settle(heard, 0)
    expect(heard.items).toEqual([])

    // It lapses: others see Bob as he chose (online) again, and he is told again.
    await nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'online', 6000)
    expect(must(await api<{ user: User }>(bob.base, 'GET', '/api/me', { token: bob.token }), 'me').user.dndUntil).toBeNull()
    await sendOk(a, conversation.id, '@Bob back?')
    await settle(heard, 1)
    expect(heard.items.map(n => n.body)).toEqual(['@Bob back?'])
  })

  it('the two doors agree: picking a status ends the timer, clearing the timer ends a chosen "dnd"', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const heard = collect<NotificationPayload>(b, 'notification')

    must(await patchMe(bob, { dndUntil: new Date(Date.now() + 3_600_000).toISOString() }), 'dnd on')
    const online = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'online')
    expect(await ack(b, 'presence:update', { status: 'online' })).toEqual({ ok: true })
    await online
    expect(must(await api<{ user: User }>(bob.base, 'GET', '/api/me', { token: bob.token }), 'me').user.dndUntil).toBeNull()
    await sendOk(a, conversation.id, '@Bob one')
    await settle(heard, 1)

    const chosen = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'dnd')
    await ack(b, 'presence:update', { status: 'dnd' })
    await chosen
    await sendOk(a, conversation.id, '@Bob two')
    await settle(heard, 1)
    expect(heard.items.map(n => n.body)).toEqual(['@Bob one'])
    const cleared = nextEvent<PresenceChangePayload>(a, 'presence:change', p => p.userId === bob.user.id && p.status === 'online')
    must(await patchMe(bob, { dndUntil: null }), 'dnd off')
    await cleared
    await sendOk(a, conversation.id, '@Bob three')
    await settle(heard, 2)
    expect(heard.items.map(n => n.body)).toEqual(['@Bob one', '@Bob three'])
  })
})

describe('client:state', () => {
  it('two clients of one user: nothing about the conversation one of them shows; told once it is hidden, blurred, elsewhere or closed', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const other = must(await api<{ conversation: Conversation }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, {
      token: alice.token, body: { title: 'other', type: 'group', participantIds: [bob.user.id] }
    }), 'other').conversation
    // The visible client on the second instance when there are two: the notifier reads states from every instance.
    const [a, b1, b2] = await Promise.all([connect(alice), connect(bob, { base: baseUrl(1) }), connect(bob)])
    const heard1 = collect<NotificationPayload>(b1, 'notification')
    const heard2 = collect<NotificationPayload>(b2, 'notification')
    expect(await ack(b1, 'client:state', { visible: true, conversationId: conversation.id })).toEqual({ ok: true })
    expect(await ack(b2, 'client:state', { visible: false, conversationId: null })).toEqual({ ok: true })

    const counted = nextEvent<UnreadUpdatePayload>(b2, 'unread:update', p => p.conversationId === conversation.id)
    await sendOk(a, conversation.id, '@Bob seen it?')
    expect(await counted).toMatchObject({ mentionCount: 1 })
    await settle(heard2, 0)
    expect([heard1.items, heard2.items]).toEqual([[], []])

    const step = async (state: { visible: boolean, conversationId: string | null } | 'close', content: string) => {
      if (state === 'close') b1.close()
      else await ack(b1, 'client:state', state)
      const told = nextEvent<NotificationPayload>(b2, 'notification', p => p.body === content)
      await sendOk(a, conversation.id, content)
      expect((await told).conversationId).toBe(conversation.id)
    }
    await step({ visible: false, conversationId: conversation.id }, '@Bob blurred')
    await step({ visible: true, conversationId: other.id }, '@Bob elsewhere')
    await ack(b1, 'client:state', { visible: true, conversationId: conversation.id })
    await step('close', '@Bob closed')
  })

  it('refuses a malformed state', async () => {
    const bob = await signUp('Bob')
    const b = await connect(bob)
    const answer = await ack<{ ok: boolean, error?: { code: string } }>(b, 'client:state', { visible: 'yes', conversationId: 'nope' })
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })
})

describe('threads', () => {
  it('tells the author of a thread\'s root about each reply, with who wrote it and a link, and nobody outside the thread', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    const { conversation } = await setupConversation(alice, [bob, carol])
    const [a, b, c] = await Promise.all([connect(alice), connect(bob), connect(carol)])
    const root = await sendOk(a, conversation.id, 'release on friday?')
    const toCarol = collect<NotificationPayload>(c, 'notification')
    const told = nextEvent<NotificationPayload>(a, 'notification')
    const reply = await replyTo(b, conversation.id, root.id, 'friday works')
    if (!reply.ok) throw new Error('reply failed')
    expect(await told).toEqual({
      kind: 'reply', conversationId: conversation.id, messageId: reply.message.id, title: 'Bob in team', body: 'friday works',
      sender: { id: bob.user.id, displayName: 'Bob', avatarUrl: null }, url: `/c/${conversation.id}#m-${reply.message.seq}`
    })
    await settle(toCarol, 0)
    expect(toCarol.items).toEqual([])
  })
})
