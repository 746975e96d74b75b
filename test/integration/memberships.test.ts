import { afterEach, describe, expect, it } from 'vitest'
import type { Conversation, Message } from '#shared/types'
import { api, closeAllSockets, connect, nextEvent, send, setupConversation, signUp, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

const history = async (who: Session, conversationId: string) =>
  (await api<{ messages: Message[] }>(who.base, 'GET', `/api/conversations/${conversationId}/messages`, { token: who.token })).body.messages

async function general(who: Session, projectId: string) {
  const list = await api<{ conversations: Conversation[] }>(who.base, 'GET', `/api/projects/${projectId}/conversations`, { token: who.token })
  return list.body.conversations.find(c => c.type === 'project')!
}

describe('joining', () => {
  it('says in the project-wide conversation who added whom', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId } = await setupConversation(alice, [bob])
    const lines = (await history(alice, (await general(alice, projectId)).id)).filter(m => m.type === 'system')
    expect(lines.map(m => m.content)).toEqual(['Alice added Bob'])
  })
})

describe('leaving a conversation', () => {
  it('removes the member at once, tells the rest, and hands ownership on', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const a = await connect(alice)
    const b = await connect(bob)
    const removed = nextEvent<{ conversationId: string }>(a, 'conversation:removed')
    const notice = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.type === 'system')
    const res = await api(alice.base, 'DELETE', `/api/conversations/${conversation.id}/participants/me`, { token: alice.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ok: true })
    expect((await removed).conversationId).toBe(conversation.id)
    expect((await notice).message.content).toBe('Alice left the conversation')
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })).status).toBe(403)
    expect((await send(a, conversation.id, 'still here?')).ok).toBe(false)
    const view = await api<{ conversation: Conversation }>(bob.base, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token })
    expect(view.body.conversation.myRole).toBe('owner')
  })

  it('refuses direct messages, project-wide conversations and strangers', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const dm = await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } })
    expect((await api(alice.base, 'DELETE', `/api/conversations/${dm.body.conversation.id}/participants/me`, { token: alice.token })).status).toBe(409)
    const wide = await general(alice, projectId)
    expect((await api(alice.base, 'DELETE', `/api/conversations/${wide.id}/participants/me`, { token: alice.token })).status).toBe(409)
    expect((await api(mallory.base, 'DELETE', `/api/conversations/${conversation.id}/participants/me`, { token: mallory.token })).status).toBe(403)
    expect((await api(mallory.base, 'DELETE', `/api/conversations/${conversation.id}/participants/me`)).status).toBe(401)
  })
})

describe('leaving a project', () => {
  it('leaves every conversation in it, with a line in each', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const res = await api(bob.base, 'DELETE', `/api/projects/${projectId}/members/me`, { token: bob.token })
    expect(res.status).toBe(200)
    const projects = await api<{ projects: { id: string }[] }>(bob.base, 'GET', '/api/projects', { token: bob.token })
    expect(projects.body.projects.some(p => p.id === projectId)).toBe(false)
    expect((await history(alice, conversation.id)).at(-1)?.content).toBe('Bob left the conversation')
    expect((await history(alice, (await general(alice, projectId)).id)).at(-1)?.content).toBe('Bob left the conversation')
    expect((await api(bob.base, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token })).status).toBe(403)
  })

  it('keeps the only owner while others remain', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId } = await setupConversation(alice, [bob])
    const res = await api(alice.base, 'DELETE', `/api/projects/${projectId}/members/me`, { token: alice.token })
    expect(res.status).toBe(409)
    expect(res.body.error?.message).toMatch(/only owner/)
  })
})
