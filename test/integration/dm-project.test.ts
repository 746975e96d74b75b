import { afterEach, describe, expect, it } from 'vitest'
import type { Conversation, Message } from '#shared/types'
import { api, closeAllSockets, connect, must, nextEvent, sendOk, setupConversation, signUp } from '../support/helpers'

afterEach(() => closeAllSockets())

describe('POST /api/dm from a project', () => {
  it('puts the DM in the project it was started from, and the other person sees it appear and hears its messages live', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    // They share an older project ("Demo") and the one Alice works in now ("Apollo").
    const { projectId: demo } = await setupConversation(alice, [bob], 'demo')
    const { projectId: apollo } = await setupConversation(alice, [bob], 'apollo')
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const appeared = nextEvent<{ conversation: Conversation }>(b, 'conversation:updated', p => p.conversation.type === 'direct')
    const dm = must(await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id, projectId: apollo } }), 'dm').conversation
    expect(dm).toMatchObject({ projectId: apollo, type: 'direct', title: 'Bob' })
    expect((await appeared).conversation).toMatchObject({ id: dm.id, projectId: apollo, title: 'Alice' })

    const heard = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.conversationId === dm.id)
    await sendOk(a, dm.id, 'hi from Apollo')
    expect((await heard).message.content).toBe('hi from Apollo')
    const bobsApollo = must(await api<{ conversations: Conversation[] }>(bob.base, 'GET', `/api/projects/${apollo}/conversations`, { token: bob.token }), 'list').conversations
    expect(bobsApollo.map(c => c.id)).toContain(dm.id)

    // Started again from Apollo, the same DM; from Demo, Demo's own.
    const again = must(await api<{ conversation: Conversation }>(bob.base, 'POST', '/api/dm', { token: bob.token, body: { userId: alice.user.id, projectId: apollo } }), 'again').conversation
    expect(again.id).toBe(dm.id)
    const inDemo = must(await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id, projectId: demo } }), 'demo dm').conversation
    expect(inDemo.projectId).toBe(demo)
    expect(inDemo.id).not.toBe(dm.id)
  })

  it('never moves the DM to another project: a project the other person is not in is refused', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    await setupConversation(alice, [bob], 'shared')
    const { projectId: withoutBob } = await setupConversation(alice, [carol], 'no-bob')
    const { projectId: carolsOwn } = await setupConversation(carol, [], 'carol-only')
    const notBoth = await api<{ error: { code: string } }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id, projectId: withoutBob } })
    expect([notBoth.status, notBoth.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const notMine = await api<{ error: { code: string } }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: carol.user.id, projectId: carolsOwn } })
    expect([notMine.status, notMine.body.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await api(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id, projectId: 'apollo' } })).status).toBe(400)
  })
})
