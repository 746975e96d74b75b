import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, send, setupConversation, signUp, sleep } from '../support/helpers'

afterEach(() => closeAllSockets())

async function scene() {
  const alice = await signUp('Alice')
  const bob = await signUp('Bob')
  const mallory = await signUp('Mallory')
  const { projectId, conversation } = await setupConversation(alice, [bob])
  const a = await connect(alice)
  const sent = await send(a, conversation.id, 'for participants only')
  if (!sent.ok) throw new Error('send failed')
  return { alice, bob, mallory, projectId, conversation, message: sent.message, a }
}

const expectForbidden = (res: { status: number, body: { error?: { code: string } } }) => {
  expect(res.status).toBe(403)
  expect(res.body.error?.code).toBe('FORBIDDEN')
}

describe('a non-participant', () => {
  it('gets FORBIDDEN on every REST call about the conversation', async () => {
    const { mallory, conversation, message, projectId } = await scene()
    const t = { token: mallory.token }
    const id = conversation.id
    expectForbidden(await api(mallory.base, 'GET', `/api/conversations/${id}`, t))
    expectForbidden(await api(mallory.base, 'GET', `/api/conversations/${id}/messages`, t))
    expectForbidden(await api(mallory.base, 'POST', `/api/conversations/${id}/messages`, { ...t, body: { clientId: randomUUID(), content: 'x' } }))
    expectForbidden(await api(mallory.base, 'POST', `/api/conversations/${id}/read`, { ...t, body: { seq: 1 } }))
    expectForbidden(await api(mallory.base, 'PATCH', `/api/messages/${message.id}`, { ...t, body: { content: 'x' } }))
    expectForbidden(await api(mallory.base, 'DELETE', `/api/messages/${message.id}`, t))
    expectForbidden(await api(mallory.base, 'GET', `/api/projects/${projectId}/conversations`, t))
    expectForbidden(await api(mallory.base, 'POST', `/api/projects/${projectId}/conversations`, { ...t, body: { title: 'x', type: 'group', participantIds: [] } }))
    expectForbidden(await api(mallory.base, 'POST', `/api/projects/${projectId}/members`, { ...t, body: { email: mallory.user.email, role: 'member' } }))
  })

  it('cannot tell a missing conversation from one it is not in', async () => {
    const { mallory, conversation } = await scene()
    const real = await api(mallory.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: mallory.token })
    const missing = await api(mallory.base, 'GET', `/api/conversations/${randomUUID()}/messages`, { token: mallory.token })
    expect(missing.status).toBe(real.status)
    expect(missing.body).toEqual(real.body)
  })

  it('gets FORBIDDEN on every socket event and receives nothing', async () => {
    const { mallory, conversation, message, a } = await scene()
    const m = await connect(mallory)
    const leaks = collect(m, 'message:new')
    const codes = await Promise.all([
      send(m, conversation.id, 'intrude').then(r => r.ok ? 'ok' : r.error.code),
      ack(m, 'message:edit', { messageId: message.id, content: 'x' }).then(r => r.error?.code),
      ack(m, 'message:delete', { messageId: message.id }).then(r => r.error?.code),
      ack(m, 'read:mark', { conversationId: conversation.id, seq: 1 }).then(r => r.error?.code),
      ack(m, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: 0 }] }).then(r => r.error?.code),
      ack(m, 'typing:start', { conversationId: conversation.id }).then(r => r.error?.code)
    ])
    expect(codes).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'])
    await send(a, conversation.id, 'still private')
    await sleep(300)
    expect(leaks.items).toHaveLength(0)
  })
})

describe('authorship', () => {
  it('lets only the author edit, and the author or a conversation owner delete', async () => {
    const { alice, bob, conversation, message } = await scene()
    const b = await connect(bob)
    const edit = await ack(b, 'message:edit', { messageId: message.id, content: 'not mine' })
    expect(edit.error?.code).toBe('FORBIDDEN')
    const del = await ack(b, 'message:delete', { messageId: message.id })
    expect(del.error?.code).toBe('FORBIDDEN')
    const bobs = await send(b, conversation.id, 'bob says')
    if (!bobs.ok) throw new Error('send failed')
    // Alice created the conversation, so she owns it and may moderate it.
    const byOwner = await api(alice.base, 'DELETE', `/api/messages/${bobs.message.id}`, { token: alice.token })
    expect(byOwner.status).toBe(200)
    const ownerEdit = await api(alice.base, 'PATCH', `/api/messages/${bobs.message.id}`, { token: alice.token, body: { content: 'x' } })
    expect(ownerEdit.status).toBe(403)
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.map(m => m.content)).toEqual(['for participants only', ''])
  })
})

describe('authentication', () => {
  it('rejects REST calls without or with a bad token', async () => {
    const { conversation } = await scene()
    const none = await api('' + (await signUp('X')).base, 'GET', `/api/conversations/${conversation.id}/messages`)
    expect(none.status).toBe(401)
    expect(none.body.error?.code).toBe('UNAUTHENTICATED')
    const bad = await api((await signUp('Y')).base, 'GET', '/api/me', { token: 'not.a.token' })
    expect(bad.status).toBe(401)
  })

  it('refuses a socket handshake without a valid token', async () => {
    const eve = await signUp('Eve')
    await expect(connect({ ...eve, token: 'forged' })).rejects.toThrow('UNAUTHENTICATED')
    await expect(connect({ ...eve, token: '' })).rejects.toThrow('UNAUTHENTICATED')
  })
})
