import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, connect, nextEvent, send, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

type MessageAck = { ok: true, message: Message } | { ok: false, error: { code: string, message: string } }
type SyncAck = { ok: true, results: { conversationId: string, messages: Message[], lastSeq: number }[] }

// Stored as emoji-test.txt spells it fully qualified: U+1F44D alone.
const THUMBS_UP = '\u{1F44D}'

async function chat() {
  const { alice, bob, mallory, conversation, a, b } = await aliceBobAndMallory()
  const sent = await send(a, conversation.id, 'ship it?')
  if (!sent.ok) throw new Error(JSON.stringify(sent.error))
  return { alice, bob, mallory, conversation, a, b, message: sent.message }
}

const react = (socket: Awaited<ReturnType<typeof connect>>, messageId: string, emoji: string, event = 'reaction:add') =>
  ack<MessageAck>(socket, event, { messageId, emoji })

function expectOk(reply: MessageAck): Message {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`)
  return reply.message
}

describe('reactions', () => {
  it('adds a reaction, tells every participant live and takes a new updatedSeq', async () => {
    const { alice, a, b, message } = await chat()
    const seen = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.id === message.id)
    const reacted = expectOk(await react(a, message.id, THUMBS_UP))
    expect(reacted.reactions).toEqual([{ emoji: THUMBS_UP, count: 1, userIds: [alice.user.id] }])
    expect(reacted.updatedSeq).toBeGreaterThan(message.updatedSeq)
    expect(reacted.seq).toBe(message.seq)
    const live = await seen
    expect(live.message.reactions).toEqual(reacted.reactions)
    expect(live.message.updatedSeq).toBe(reacted.updatedSeq)
  })

  it('is idempotent per user and emoji, whichever spelling is used', async () => {
    const { a, message } = await chat()
    const first = expectOk(await react(a, message.id, '👍'))
    const again = expectOk(await react(a, message.id, THUMBS_UP))
    const named = expectOk(await react(a, message.id, ':+1:'))
    for (const m of [again, named]) {
      expect(m.reactions).toEqual(first.reactions)
      expect(m.updatedSeq).toBe(first.updatedSeq)
    }
  })

  it('counts two people reacting with the same emoji at the same moment', async () => {
    const { alice, bob, a, b, message } = await chat()
    const [fromAlice, fromBob] = (await Promise.all([react(a, message.id, ':tada:'), react(b, message.id, ':tada:')])).map(expectOk)
    expect(fromAlice!.updatedSeq).not.toBe(fromBob!.updatedSeq)
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${message.conversationId}/messages`, { token: alice.token })
    const stored = history.body.messages.find(m => m.id === message.id)!
    expect(stored.reactions).toHaveLength(1)
    expect(stored.reactions[0]!.count).toBe(2)
    expect([...stored.reactions[0]!.userIds].sort()).toEqual([alice.user.id, bob.user.id].sort())
    // The later of the two updates describes both reactions.
    const latest = [fromAlice!, fromBob!].sort((x, y) => y.updatedSeq - x.updatedSeq)[0]!
    expect(latest.reactions[0]!.count).toBe(2)
  })

  it('removes only the caller\'s own reaction; removing again changes nothing', async () => {
    const { bob, a, b, message } = await chat()
    expectOk(await react(a, message.id, '🎉'))
    expectOk(await react(b, message.id, '🎉'))
    const removed = expectOk(await react(a, message.id, '🎉', 'reaction:remove'))
    expect(removed.reactions).toEqual([{ emoji: '🎉', count: 1, userIds: [bob.user.id] }])
    const again = expectOk(await react(a, message.id, '🎉', 'reaction:remove'))
    expect(again.updatedSeq).toBe(removed.updatedSeq)
  })

  it('reaches a member who was offline through sync', async () => {
    const { bob, a, b, message, conversation } = await chat()
    b.disconnect()
    const reacted = expectOk(await react(a, message.id, '🚀'))
    const again = await connect(bob)
    const sync = await ack<SyncAck>(again, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: message.updatedSeq }] })
    const changed = sync.results[0]!.messages.find(m => m.id === message.id)!
    expect(changed.reactions).toEqual(reacted.reactions)
    expect(changed.updatedSeq).toBe(reacted.updatedSeq)
  })

  it('refuses unknown emoji, deleted messages and non-participants, and changes nothing', async () => {
    const { alice, mallory, a, message, conversation } = await chat()
    for (const junk of ['hello', '👍👍', ':no_such_emoji:', '']) {
      const reply = await react(a, message.id, junk)
      expect(reply.ok).toBe(false)
      if (!reply.ok) expect(reply.error.code).toBe('VALIDATION')
    }
    const m = await connect(mallory)
    const foreign = await react(m, message.id, '👍')
    expect(foreign.ok === false && foreign.error.code).toBe('FORBIDDEN')
    const gone = await send(a, conversation.id, 'oops')
    if (!gone.ok) throw new Error('send failed')
    await ack(a, 'message:delete', { messageId: gone.message.id })
    const onDeleted = await react(a, gone.message.id, '👍')
    expect(onDeleted.ok === false && onDeleted.error.code).toBe('NOT_FOUND')
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages.every(x => x.reactions.length === 0)).toBe(true)
  })
})

describe('reactions over REST', () => {
  const path = (messageId: string, emoji?: string) => `/api/messages/${messageId}/reactions${emoji ? `/${encodeURIComponent(emoji)}` : ''}`
  const rest = (who: Session, method: string, messageId: string, opts: { emoji?: string, body?: unknown } = {}) =>
    api<{ message: Message }>(who.base, method, path(messageId, opts.emoji), { token: who.token, body: opts.body })

  it('adds with POST and removes with DELETE by emoji or :shortcode:', async () => {
    const { alice, bob, b, message } = await chat()
    const live = nextEvent<{ message: Message }>(b, 'message:updated', p => p.message.reactions.length > 0)
    const added = await rest(alice, 'POST', message.id, { body: { emoji: ':heart:' } })
    expect(added.status).toBe(200)
    expect(added.body.message.reactions[0]).toMatchObject({ count: 1, userIds: [alice.user.id] })
    expect((await live).message.id).toBe(message.id)
    const heart = added.body.message.reactions[0]!.emoji
    expect((await rest(bob, 'POST', message.id, { body: { emoji: heart } })).body.message.reactions[0]!.count).toBe(2)
    const removed = await rest(alice, 'DELETE', message.id, { emoji: ':heart:' })
    expect(removed.status).toBe(200)
    expect(removed.body.message.reactions).toEqual([{ emoji: heart, count: 1, userIds: [bob.user.id] }])
  })

  it('needs a token, a participant and a valid body', async () => {
    const { alice, mallory, message } = await chat()
    expect((await api(alice.base, 'POST', path(message.id), { body: { emoji: '👍' } })).status).toBe(401)
    expect((await rest(mallory, 'POST', message.id, { body: { emoji: '👍' } })).status).toBe(403)
    const invalid = await rest(alice, 'POST', message.id, { body: { emoji: 'not one' } })
    expect(invalid.status).toBe(400)
    expect(invalid.body.error?.code).toBe('VALIDATION')
  })
})
