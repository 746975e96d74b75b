import { afterEach, describe, expect, it } from 'vitest'
import type { AdminConversation } from '#admin-shared/admin-schemas'
import type { Conversation, Message } from '#shared/types'
import { api, closeAllSockets, connect, logIn, must, nextEvent, send, setupConversation, signUp } from '../support/helpers'
import { instances } from './helpers'

afterEach(() => closeAllSockets())

const codeOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? 'ok' : reply.error.code

describe('admin conversation changes across instances', () => {
  it('a lock and a slow mode set on A reach a member on B live and are enforced on B', async () => {
    const { A, B } = instances()
    const admin = await logIn('admin@example.com', 'password', A)
    const owner = await signUp('Owner', A)
    const member = await signUp('Member', B)
    const { conversation } = await setupConversation(owner, [member], 'cluster-rules', A)
    const onB = await connect(member, { base: B })
    const ownerOnB = await connect(owner, { base: B })
    const patch = async (body: unknown) => must(await api<{ conversation: AdminConversation }>(A, 'PATCH', `/api/admin/conversations/${conversation.id}`, { token: admin.token, body }), 'patch').conversation

    const locked = nextEvent<{ conversation: Conversation }>(onB, 'conversation:updated', p => p.conversation.id === conversation.id && p.conversation.status === 'locked')
    const line = nextEvent<{ message: Message }>(onB, 'message:new', p => p.message.conversationId === conversation.id && p.message.content === 'An admin locked this conversation')
    expect((await patch({ status: 'locked' })).status).toBe('locked')
    await Promise.all([locked, line])
    expect(codeOf(await send(onB, conversation.id, 'through B'))).toBe('CONVERSATION_LOCKED')
    // The lock is an admin's: it binds the conversation's owner too.
    expect(codeOf(await send(ownerOnB, conversation.id, 'owner through B'))).toBe('CONVERSATION_LOCKED')

    const slowed = nextEvent<{ conversation: Conversation }>(onB, 'conversation:updated', p => p.conversation.id === conversation.id && p.conversation.status === 'active' && p.conversation.settings.slowModeSeconds === 60)
    await patch({ status: 'active', settings: { slowModeSeconds: 60 } })
    await slowed
    expect(codeOf(await send(onB, conversation.id, 'first on B'))).toBe('ok')
    const second = await send(onB, conversation.id, 'second on B')
    expect(codeOf(second)).toBe('SLOW_MODE')
    expect(second.ok ? 0 : Number(second.error.details?.retryAfterMs)).toBeGreaterThan(50_000)

    const renamed = nextEvent<{ conversation: Conversation }>(onB, 'conversation:updated', p => p.conversation.id === conversation.id && p.conversation.title === 'renamed on A')
    await patch({ title: 'renamed on A' })
    await renamed
  })
})
