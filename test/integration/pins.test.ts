import { afterEach, describe, expect, it } from 'vitest'
import type { Conversation, Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, connect, nextEvent, send, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

type SyncAck = { ok: true, results: { messages: Message[] }[] }

async function room() {
  const { alice, bob, mallory, conversation, a, b } = await aliceBobAndMallory()
  const sent = await send(b, conversation.id, 'the deploy checklist')
  if (!sent.ok) throw new Error('send failed')
  return { alice, bob, mallory, conversation, a, b, message: sent.message }
}

const pin = (who: Session, messageId: string, method: 'POST' | 'DELETE' = 'POST') =>
  api<{ message: Message }>(who.base, method, `/api/messages/${messageId}/pin`, { token: who.token })
const pins = (who: Session, conversationId: string) =>
  api<{ messages: Message[] }>(who.base, 'GET', `/api/conversations/${conversationId}/pins`, { token: who.token })

describe('pins', () => {
  it('lets an owner pin: the message changes live, a system line says who, the pins panel lists it', async () => {
    const { alice, bob, b, conversation, message } = await room()
    const updated = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.id === message.id)
    const notice = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.type === 'system')
    const res = await pin(alice, message.id)
    expect(res.status).toBe(200)
    expect(res.body.message.pinnedAt).not.toBeNull()
    expect(res.body.message.updatedSeq).toBeGreaterThan(message.updatedSeq)
    expect((await updated).message.pinnedAt).toBe(res.body.message.pinnedAt)
    expect((await notice).message).toMatchObject({ type: 'system', content: 'Alice pinned a message', replyToId: message.id, senderId: alice.user.id })
    expect((await pins(bob, conversation.id)).body.messages.map(m => m.id)).toEqual([message.id])
    // Again: nothing changes, no second system line.
    const again = await pin(alice, message.id)
    expect(again.body.message.updatedSeq).toBe(res.body.message.updatedSeq)
  })

  it('unpins, newest pin first in the panel, and sync brings pins to a member who was away', async () => {
    const { alice, bob, a, b, conversation, message } = await room()
    const second = await send(a, conversation.id, 'second')
    if (!second.ok) throw new Error('send failed')
    b.disconnect()
    const cursor = second.message.updatedSeq
    await pin(alice, message.id)
    await pin(alice, second.message.id)
    expect((await pins(alice, conversation.id)).body.messages.map(m => m.id)).toEqual([second.message.id, message.id])
    const back = await connect(bob)
    const sync = await ack<SyncAck>(back, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: cursor }] })
    const pinnedIds = sync.results[0]!.messages.filter(m => m.pinnedAt).map(m => m.id)
    expect(pinnedIds.sort()).toEqual([message.id, second.message.id].sort())
    const unpinned = await pin(alice, message.id, 'DELETE')
    expect(unpinned.body.message.pinnedAt).toBeNull()
    expect((await pins(alice, conversation.id)).body.messages.map(m => m.id)).toEqual([second.message.id])
  })

  it('is for owners and admins unless the conversation lets members pin', async () => {
    const { alice, bob, mallory, b, conversation, message } = await room()
    const refused = await pin(bob, message.id)
    expect(refused.status).toBe(403)
    expect((await pins(bob, conversation.id)).body.messages).toEqual([])
    expect((await pin(mallory, message.id)).status).toBe(403)
    expect((await api(bob.base, 'POST', `/api/messages/${message.id}/pin`)).status).toBe(401)

    const notice = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.type === 'system')
    const sidebar = nextEvent<{ conversation: Conversation }>(b, 'conversation:updated')
    const opened = await api<{ conversation: Conversation }>(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { settings: { membersCanPin: true } } })
    expect(opened.status).toBe(200)
    expect(opened.body.conversation.settings.membersCanPin).toBe(true)
    expect((await notice).message.content).toBe('Alice let members pin messages')
    expect((await sidebar).conversation.settings.membersCanPin).toBe(true)
    expect((await pin(bob, message.id)).status).toBe(200)
  })
})

describe('PATCH /api/conversations/:id', () => {
  it('renames for owners, with a system line and a live sidebar update', async () => {
    const { alice, bob, b, conversation } = await room()
    const sidebar = nextEvent<{ conversation: Conversation }>(b, 'conversation:updated')
    const res = await api<{ conversation: Conversation }>(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { title: 'launch' } })
    expect(res.body.conversation.title).toBe('launch')
    expect((await sidebar).conversation.title).toBe('launch')
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.at(-1)).toMatchObject({ type: 'system', content: 'Alice renamed the conversation to “launch”' })
  })

  it('refuses members, strangers and bad input, and changes nothing', async () => {
    const { alice, bob, mallory, conversation } = await room()
    const path = `/api/conversations/${conversation.id}`
    expect((await api(bob.base, 'PATCH', path, { token: bob.token, body: { title: 'mine now' } })).status).toBe(403)
    expect((await api(mallory.base, 'PATCH', path, { token: mallory.token, body: { title: 'x' } })).status).toBe(403)
    for (const body of [{}, { title: '' }, { title: 'x'.repeat(101) }, { settings: { slowModeSeconds: 5 } }, { status: 'locked' }]) {
      const res = await api(alice.base, 'PATCH', path, { token: alice.token, body })
      expect(res.status).toBe(400)
    }
    const view = await api<{ conversation: Conversation }>(alice.base, 'GET', path, { token: alice.token })
    expect(view.body.conversation.title).toBe(conversation.title)
  })
})
