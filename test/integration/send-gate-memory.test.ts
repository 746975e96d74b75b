import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { api, baseUrl, closeAllSockets, connect, logIn, must, send, setupConversation, signUp, type Session } from '../support/helpers'

// A member who keeps sending has their checks answered from memory on the instance their socket is
// on; the change that closes the conversation to them is made through the other instance (the same
// one on the embedded suite). Every change must bind their very next send, not a later one.

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com', 'password', baseUrl(1))
})

const asAdmin = (method: string, path: string, body?: unknown) => api(admin.base, method, path, { token: admin.token, body })
const codeOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? 'ok' : reply.error.code

/** Sends answered from memory so far on the instance Ben's socket is on. */
async function fromMemory(): Promise<number> {
  const text = await (await fetch(`${baseUrl(0)}/metrics`)).text()
  return Number(text.match(/^chat_send_gates_total\{source="memory"\} (\d+)$/m)?.[1] ?? 0)
}

/** Ann owns a group with Ben, who is connected and has just sent a few messages there, the later ones answered from memory. */
async function busyMember() {
  const [ann, ben] = await Promise.all([signUp('Ann'), signUp('Ben')])
  const { projectId, conversation } = await setupConversation(ann, [ben], 'busy')
  const socket = await connect(ben)
  const before = await fromMemory()
  for (let i = 0; i < 3; i++) expect(codeOf(await send(socket, conversation.id, `warming ${i}`))).toBe('ok')
  expect(await fromMemory() - before).toBeGreaterThanOrEqual(2)
  return { ann, ben, projectId, conversation, socket }
}

describe('checks answered from memory follow every change at once', () => {
  it('a lock and slow mode bind the next send', async () => {
    const { conversation, socket } = await busyMember()
    must(await asAdmin('PATCH', `/api/admin/conversations/${conversation.id}`, { status: 'locked' }), 'lock')
    expect(codeOf(await send(socket, conversation.id, 'still here?'))).toBe('CONVERSATION_LOCKED')
    must(await asAdmin('PATCH', `/api/admin/conversations/${conversation.id}`, { status: 'active' }), 'unlock')
    expect(codeOf(await send(socket, conversation.id, 'back'))).toBe('ok')

    must(await asAdmin('PATCH', `/api/admin/conversations/${conversation.id}`, { settings: { slowModeSeconds: 120 } }), 'slow mode')
    expect(codeOf(await send(socket, conversation.id, 'one'))).toBe('SLOW_MODE')
  })

  it('a mute, a project ban and a removal refuse the next send; lifting them lets it through', async () => {
    const { ben, projectId, conversation, socket } = await busyMember()
    must(await asAdmin('POST', `/api/admin/users/${ben.user.id}/mute`, { reason: 'cool down', durationMinutes: 60 }), 'mute')
    expect(codeOf(await send(socket, conversation.id, 'muted?'))).toBe('MUTED')
    must(await asAdmin('DELETE', `/api/admin/users/${ben.user.id}/mute`), 'unmute')
    expect(codeOf(await send(socket, conversation.id, 'unmuted'))).toBe('ok')

    must(await asAdmin('POST', `/api/admin/users/${ben.user.id}/ban`, { projectId, reason: 'abuse' }), 'project ban')
    expect(codeOf(await send(socket, conversation.id, 'banned?'))).toBe('FORBIDDEN')
    must(await asAdmin('DELETE', `/api/admin/users/${ben.user.id}/ban?projectId=${projectId}`), 'unban')
    expect(codeOf(await send(socket, conversation.id, 'welcome back'))).toBe('ok')

    must(await asAdmin('DELETE', `/api/admin/conversations/${conversation.id}/participants/${ben.user.id}`), 'removal')
    expect(codeOf(await send(socket, conversation.id, 'removed?'))).toBe('FORBIDDEN')
  })

  it('a message acked before a lock, sent again with its clientId, gets the same message back', async () => {
    const { conversation, socket } = await busyMember()
    const clientId = randomUUID()
    const first = await send(socket, conversation.id, 'the ack of this one is lost', clientId)
    expect(first.ok).toBe(true)
    must(await asAdmin('PATCH', `/api/admin/conversations/${conversation.id}`, { status: 'locked' }), 'lock')
    const again = await send(socket, conversation.id, 'the ack of this one is lost', clientId)
    expect(again).toMatchObject({ ok: true, duplicate: true })
    expect((again as { message: Message }).message.id).toBe((first as { message: Message }).message.id)
  })
})
