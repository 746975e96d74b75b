import { afterEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import type { Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, must, send, type SendAck } from '../support/helpers'
import { png, upload } from './upload-helpers'

afterEach(() => closeAllSockets())

type Page = { messages: Message[], hasMore: boolean }
type SyncAck = { ok: true, results: { conversationId: string, messages: Message[] }[] }

function sent(reply: SendAck): Message {
  if (!reply.ok) throw new Error(JSON.stringify(reply.error))
  return reply.message
}

// The history page is built by its own statement (history-page.ts); every other read of messages
// (sync, threads, search, pins) goes through toMessage. The two must describe a message alike.
describe('GET /api/conversations/:id/messages', () => {
  it('describes every message as sync does: reactions, files, mentions, quotes, threads, edits, pins and deletions', async () => {
    const { alice, bob, mallory, conversation, a, b } = await aliceBobAndMallory()
    const c = conversation.id
    const plain = sent(await send(a, c, 'first plan'))
    const mention = sent(await send(b, c, '@Alice have a look'))
    const file = must(await upload(alice, c, png(37, 21), 'diagram.png', 'image/png'), 'upload').attachment
    const withFile = sent(await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: c, content: '', attachmentIds: [file.id] }))
    const long = `\n  \n  ${'é🙂'.repeat(80)} first line\nsecond line`
    const quoted = sent(await send(b, c, long))
    const reply = sent(await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: c, content: 'agreed', replyToId: quoted.id }))
    sent(await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: c, content: 'in the thread', threadRootId: plain.id }))
    sent(await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: c, content: 'to both', threadRootId: plain.id, alsoToConversation: true }))
    const doomed = sent(await send(b, c, '@Alice gone soon'))
    const replyToDoomed = sent(await ack<SendAck>(a, 'message:send', { clientId: randomUUID(), conversationId: c, content: 'what was it?', replyToId: doomed.id }))
    for (const [socket, emoji] of [[a, ':tada:'], [b, ':tada:'], [b, ':+1:']] as const) {
      expect((await ack(socket, 'reaction:add', { messageId: mention.id, emoji })).ok).toBe(true)
    }
    must(await api(alice.base, 'PATCH', `/api/messages/${plain.id}`, { token: alice.token, body: { content: 'first plan, edited' } }), 'edit')
    must(await api(alice.base, 'POST', `/api/messages/${mention.id}/pin`, { token: alice.token }), 'pin')
    must(await api(bob.base, 'DELETE', `/api/messages/${doomed.id}`, { token: bob.token }), 'delete')

    const page = must(await api<Page>(alice.base, 'GET', `/api/conversations/${c}/messages?limit=50`, { token: alice.token }), 'history')
    const synced = await ack<SyncAck>(a, 'sync:request', { conversations: [{ conversationId: c, afterSeq: 0 }] })
    // The timeline: everything but the thread reply that stayed in its thread, oldest first, as sync has each message.
    const timeline = synced.results[0]!.messages.filter(m => m.threadRootId === null || m.alsoInConversation).sort((x, y) => x.seq - y.seq)
    expect(timeline.map(m => m.content)).toEqual(expect.arrayContaining(['first plan, edited', 'diagram.png', 'agreed', 'to both', '', 'what was it?']))
    expect(timeline.some(m => m.content === 'in the thread')).toBe(false)
    expect(page.messages).toEqual(timeline)
    expect(page.hasMore).toBe(false)

    const byContent = new Map(page.messages.map(m => [m.id, m]))
    expect(byContent.get(plain.id)!.thread!.repliers.map(r => r.id)).toEqual([alice.user.id, bob.user.id])
    expect(byContent.get(mention.id)!.reactions).toEqual([{ emoji: '🎉', count: 2, userIds: [alice.user.id, bob.user.id] }, { emoji: '👍', count: 1, userIds: [bob.user.id] }])
    expect(byContent.get(mention.id)!.pinnedAt).not.toBeNull()
    expect(byContent.get(withFile.id)!.attachments).toEqual([expect.objectContaining({ id: file.id, width: 37, height: 21 })])
    expect(byContent.get(reply.id)!.replyTo!.excerpt).toHaveLength(140)
    expect(byContent.get(doomed.id)).toMatchObject({ content: '', contentHtml: '', mentions: [], attachments: [] })
    expect(byContent.get(replyToDoomed.id)!.replyTo).toMatchObject({ id: doomed.id, excerpt: '', deleted: true })

    // Pages of two, backwards and forwards, add up to the same timeline.
    const ids = page.messages.map(m => m.id)
    const back: string[] = []
    for (let before: number | undefined, more = true; more;) {
      const p = must(await api<Page>(alice.base, 'GET', `/api/conversations/${c}/messages?limit=2${before ? `&beforeSeq=${before}` : ''}`, { token: alice.token }), 'page')
      back.unshift(...p.messages.map(m => m.id))
      more = p.hasMore
      before = p.messages[0]?.seq
    }
    expect(back).toEqual(ids)
    const forward: string[] = []
    for (let after = 0, more = true; more;) {
      const p = must(await api<Page>(alice.base, 'GET', `/api/conversations/${c}/messages?limit=3&afterSeq=${after}`, { token: alice.token }), 'page')
      forward.push(...p.messages.map(m => m.id))
      more = p.hasMore
      after = p.messages.at(-1)?.seq ?? after
    }
    expect(forward).toEqual(ids)

    // Someone outside learns nothing: the same refusal as for a conversation that does not exist.
    const outside = await api(mallory.base, 'GET', `/api/conversations/${c}/messages`, { token: mallory.token })
    const missing = await api(mallory.base, 'GET', `/api/conversations/${randomUUID()}/messages`, { token: mallory.token })
    expect(outside.status).toBe(403)
    expect(outside.body).toEqual(missing.body)
  })

  it('answers an empty conversation with no messages and no more', async () => {
    const { alice, conversation } = await aliceBobAndMallory()
    const page = must(await api<Page>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages?beforeSeq=5`, { token: alice.token }), 'history')
    expect(page).toEqual({ messages: [], hasMore: false })
  })
})
