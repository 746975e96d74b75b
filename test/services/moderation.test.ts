import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { MessageDeletedPayload } from '#shared/events'
import type { ModerationNotice } from '#shared/moderation-schemas'
import type { Message } from '#shared/types'
import { api, closeAllSockets, connect, logIn, must, nextEvent, send, sendOk, setupConversation, signUp, until } from '../support/helpers'
import { instances } from './helpers'

afterEach(() => closeAllSockets())

describe('moderation across two instances', () => {
  it('a mute set through A is enforced on B at once, with its reason; unmute on B lifts it on A', async () => {
    const { A, B } = instances()
    const admin = await logIn('admin@example.com', 'password', A)
    const alice = await signUp('Alice', B)
    const bob = await signUp('Bob', B)
    const { conversation } = await setupConversation(alice, [bob], 'mute-xi', B)
    const onB = await connect(alice, { base: B })
    const onA = await connect(alice, { base: A })
    const notice = nextEvent<{ notice: ModerationNotice }>(onB, 'moderation:notice')
    const until = new Date(Date.now() + 3_600_000).toISOString()
    must(await api(A, 'POST', `/api/admin/users/${alice.user.id}/mute`, { token: admin.token, body: { until, reason: 'cool down' } }), 'mute on A')
    expect((await notice).notice).toMatchObject({ kind: 'mute', until, reason: 'cool down' })
    expect(await send(onB, conversation.id, 'from B')).toMatchObject({ ok: false, error: { code: 'MUTED', details: { until, reason: 'cool down' } } })

    must(await api(B, 'DELETE', `/api/admin/users/${alice.user.id}/mute`, { token: admin.token }), 'unmute on B')
    expect((await send(onA, conversation.id, 'from A')).ok).toBe(true)
  })

  it('a project ban set through A drops the rooms of a socket on B and refuses the conversation there', async () => {
    const { A, B } = instances()
    const admin = await logIn('admin@example.com', 'password', A)
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', A)
    const { conversation, projectId } = await setupConversation(alice, [bob], 'ban-xi', A)
    const troll = await connect(bob, { base: B })
    const owner = await connect(alice, { base: A })
    const removed = nextEvent<{ conversationId: string }>(troll, 'conversation:removed', p => p.conversationId === conversation.id)
    must(await api(A, 'POST', `/api/admin/users/${bob.user.id}/ban`, { token: admin.token, body: { projectId, reason: 'spam' } }), 'ban on A')
    await removed
    // The room left on B: alice's next message does not reach bob.
    const heard: Message[] = []
    troll.on('message:new', ({ message }: { message: Message }) => heard.push(message))
    await sendOk(owner, conversation.id, `after the ban ${randomUUID()}`)
    await new Promise(r => setTimeout(r, 300))
    expect(heard).toEqual([])
    expect((await api(B, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })).status).toBe(403)
    expect((await send(troll, conversation.id, 'let me in')).ok).toBe(false)
  })

  it('an admin delete on A reaches a client on B live, and a restore on B reaches a client on A', async () => {
    const { A, B } = instances()
    const admin = await logIn('admin@example.com', 'password', A)
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const { conversation } = await setupConversation(alice, [bob], 'delete-xi', A)
    const a = await connect(alice, { base: A })
    const b = await connect(bob, { base: B })
    const message = await sendOk(a, conversation.id, 'moderate me')
    const deleted = nextEvent<MessageDeletedPayload>(b, 'message:deleted', p => p.messageId === message.id)
    must(await api(A, 'DELETE', `/api/admin/messages/${message.id}`, { token: admin.token }), 'delete on A')
    expect((await deleted).updatedSeq).toBeGreaterThan(message.updatedSeq)

    const restored = nextEvent<{ message: Message }>(a, 'message:updated', p => p.message.id === message.id)
    must(await api(B, 'POST', `/api/admin/messages/${message.id}/restore`, { token: admin.token }), 'restore on B')
    expect((await restored).message).toMatchObject({ content: 'moderate me', deletedAt: null })
    await until(async () => {
      const page = must(await api<{ messages: Message[] }>(B, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token }), 'history')
      return page.messages.some(m => m.id === message.id && m.content === 'moderate me')
    }, 3000, 'restored on B')
  })
})
