import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { NotificationPayload, UnreadUpdatePayload } from '#shared/events'
import type { Conversation } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, nextEvent, send, setupConversation, signUp, sleep, type SendAck } from '../support/helpers'

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
    expect(await notified).toEqual({ kind: 'mention', conversationId: conversation.id, messageId: sent.message.id, title: 'Alice in team', body: 'can you review this, @Bob?' })
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
