import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Conversation, Message } from '#shared/types'
import { ack, api, closeAllSockets, connect, send, setupConversation, signUp, type SendAck, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

const view = async (who: Session, conversationId: string) =>
  (await api<{ conversation: Conversation }>(who.base, 'GET', `/api/conversations/${conversationId}`, { token: who.token })).body.conversation

describe('mentions', () => {
  it('are parsed on the server: names with spaces, punctuation after them, nothing inside code', async () => {
    const alice = await signUp('Alice')
    const ada = await signUp('Ada Lovelace')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [ada, bob])
    const a = await connect(alice)
    const sent = await send(a, conversation.id, '@Ada Lovelace, can you and @Bob! check `@Alice` and\n\n```\n@Bob again\n```')
    if (!sent.ok) throw new Error('send failed')
    expect(sent.message.mentions).toEqual([{ kind: 'user', userId: ada.user.id }, { kind: 'user', userId: bob.user.id }])
    expect(sent.message.contentHtml).toContain(`<span class="mention" data-mention="user" data-user-id="${ada.user.id}">@Ada Lovelace</span>`)
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.at(-1)!.mentions).toEqual(sent.message.mentions)
  })

  it('count towards the mentioned member\'s unread mentions, and an edit can take them back', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    const { conversation } = await setupConversation(alice, [bob, carol])
    const a = await connect(alice)
    const sent = await send(a, conversation.id, 'ping @Bob')
    if (!sent.ok) throw new Error('send failed')
    expect((await view(bob, conversation.id)).mentionCount).toBe(1)
    expect((await view(carol, conversation.id)).mentionCount).toBe(0)
    const edited = await ack<{ ok: true, message: Message }>(a, 'message:edit', { messageId: sent.message.id, content: 'ping @Carol' })
    expect(edited.message.mentions).toEqual([{ kind: 'user', userId: carol.user.id }])
    expect((await view(bob, conversation.id)).mentionCount).toBe(0)
    expect((await view(carol, conversation.id)).mentionCount).toBe(1)
  })

  it('@here and @channel reach everyone; in a large conversation only owners and admins may use them', async () => {
    const alice = await signUp('Alice')
    const others = await Promise.all(Array.from({ length: 21 }, (_, i) => signUp(`Member ${i}`)))
    const { conversation } = await setupConversation(alice, others)
    const member = await connect(others[0]!)
    const refused = await send(member, conversation.id, '@channel lunch?')
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.code).toBe('FORBIDDEN')
    const owner = await connect(alice)
    const allowed = await send(owner, conversation.id, '@here standup now')
    expect(allowed.ok && allowed.message.mentions).toEqual([{ kind: 'here', userId: null }])
    expect((await view(others[3]!, conversation.id)).mentionCount).toBe(1)

    const bob = await signUp('Bob')
    const { conversation: small } = await setupConversation(alice, [bob], 'small')
    const b = await connect(bob)
    const ok = await send(b, small.id, '@channel fine in a small room')
    expect(ok.ok).toBe(true)
  })
})

describe('announcement conversations', () => {
  it('let owners post and members react and reply in threads only', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const project = await api<{ project: { id: string } }>(alice.base, 'POST', '/api/projects', { token: alice.token, body: { name: 'news' } })
    await api(alice.base, 'POST', `/api/projects/${project.body.project.id}/members`, { token: alice.token, body: { email: bob.user.email, role: 'member' } })
    const created = await api<{ conversation: Conversation }>(alice.base, 'POST', `/api/projects/${project.body.project.id}/conversations`, {
      token: alice.token, body: { title: 'announcements', type: 'announcement', participantIds: [bob.user.id] }
    })
    const id = created.body.conversation.id
    const a = await connect(alice)
    const b = await connect(bob)
    const post = await send(a, id, 'We ship on Friday')
    if (!post.ok) throw new Error('owner could not post')
    const refused = await send(b, id, 'me too')
    expect(refused.ok === false && refused.error.code).toBe('FORBIDDEN')
    const reply = await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: id, content: 'great!', threadRootId: post.message.id })
    expect(reply.ok).toBe(true)
    const react = await ack<{ ok: boolean }>(b, 'reaction:add', { messageId: post.message.id, emoji: '🎉' })
    expect(react.ok).toBe(true)
    const rest = await api(bob.base, 'POST', `/api/conversations/${id}/messages`, { token: bob.token, body: { clientId: randomUUID(), content: 'via REST' } })
    expect(rest.status).toBe(403)
  })
})
