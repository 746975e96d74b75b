import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AutomodRule } from '#shared/automod-schemas'
import type { Conversation, Message, User } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, connect, logIn, must, nextEvent, send, setupConversation, signUp, type ErrorBody, type SendAck, type Session } from '../support/helpers'
import { upload } from './upload-helpers'

// Issue 15, "Content rules with holes": each attack below got through before the fix.

afterEach(() => closeAllSockets())

let admin: Session
const created: string[] = []
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})
// Rules are server-wide state: remove every one this file made, so no other suite meets them.
afterAll(async () => {
  for (const id of created) await api(admin.base, 'DELETE', `/api/admin/automod/rules/${id}`, { token: admin.token })
})

const WORD = 'frobnicate'

/** Blocks the word in one project only, so no other test meets the rule. */
async function blockWord(projectId: string): Promise<AutomodRule> {
  const { rule } = must(await api<{ rule: AutomodRule }>(admin.base, 'POST', '/api/admin/automod/rules', {
    token: admin.token, body: { name: `No ${WORD}`, kind: 'profanity', action: 'block', config: { words: [WORD] }, projectId }
  }), 'create rule')
  created.push(rule.id)
  return rule
}

const errorOf = (reply: SendAck) => reply.ok ? null : reply.error
const blockedBody = { error: { code: 'CONTENT_BLOCKED', message: expect.any(String), details: { rule: `No ${WORD}`, kind: 'profanity' } } }

async function history(session: Session, conversationId: string): Promise<Message[]> {
  return must(await api<{ messages: Message[] }>(session.base, 'GET', `/api/conversations/${conversationId}/messages?limit=100`, { token: session.token }), 'history').messages
}

describe('automod reads what members read', () => {
  it('refuses a blocked word as a file name, sent as a file message over REST and socket', async () => {
    const { bob, projectId, conversation, b } = await aliceBobAndMallory()
    await blockWord(projectId)
    for (const name of [`${WORD}.txt`, `frob\u00ADnicate.txt`, `_${WORD}_.txt`]) {
      const file = await upload(bob, conversation.id, 'hello', name, 'text/plain')
      expect(file.status, name).toBe(200)
      const rest = await api(bob.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
        token: bob.token, body: { clientId: randomUUID(), content: '', attachmentIds: [file.body.attachment.id] }
      })
      expect(rest.status, name).toBe(422)
      expect(rest.body, name).toEqual(blockedBody)
      const live = await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'see attached', attachmentIds: [file.body.attachment.id] })
      expect(errorOf(live), name).toMatchObject(blockedBody.error)
    }
    const innocent = await upload(bob, conversation.id, 'hello', 'notes.txt', 'text/plain')
    const sent = await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: '', attachmentIds: [innocent.body.attachment.id] })
    expect(sent.ok && sent.message.type).toBe('file')
    expect((await history(bob, conversation.id)).map(m => m.content)).toEqual(['notes.txt'])
  })

  it('refuses a blocked word hidden with markdown emphasis, zero-width characters or a soft hyphen, on send and edit', async () => {
    const { bob, projectId, conversation, b } = await aliceBobAndMallory()
    await blockWord(projectId)
    const hidden = [`**frob**nicate`, `_${WORD}_`, `f*rob*nicate`, 'frob\u200Bnicate', 'frob\u200Cnicate', 'frob\u200Dnicate',
      'frob\u2060nicate', 'frob\uFEFFnicate', 'frob\u00ADnicate', 'ｆｒｏｂｎｉｃａｔｅ']
    for (const text of hidden) {
      expect(errorOf(await send(b, conversation.id, `please ${text} it`)), JSON.stringify(text)).toMatchObject(blockedBody.error)
    }
    const rest = await api(bob.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: bob.token, body: { clientId: randomUUID(), content: 'frob\u200Bnicate' } })
    expect(rest.status).toBe(422)
    expect(rest.body).toEqual(blockedBody)
    const fine = await send(b, conversation.id, 'a **bold** and _calm_ message')
    if (!fine.ok) throw new Error(`clean text refused: ${JSON.stringify(fine.error)}`)
    const edit = await ack<{ ok: boolean, error?: ErrorBody }>(b, 'message:edit', { messageId: fine.message.id, content: '**frob**nicate' })
    expect(edit.error).toMatchObject(blockedBody.error)
    expect((await history(bob, conversation.id)).map(m => m.content)).toEqual(['a **bold** and _calm_ message'])
  })

  it('applies the same reading to link and pattern rules', async () => {
    const { bob, projectId, conversation, b } = await aliceBobAndMallory()
    for (const body of [
      { name: 'No pastebin', kind: 'links', action: 'block', config: { denyDomains: ['pastebin.com'] }, projectId },
      { name: 'No codes', kind: 'regex', action: 'block', pattern: 'code-\\d+', projectId }
    ]) {
      created.push(must(await api<{ rule: AutomodRule }>(admin.base, 'POST', '/api/admin/automod/rules', { token: admin.token, body }), 'rule').rule.id)
    }
    expect(errorOf(await send(b, conversation.id, 'get it at paste\u00ADbin.com/x'))).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'No pastebin' } })
    expect(errorOf(await send(b, conversation.id, 'get it at **paste**bin.com/x'))).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'No pastebin' } })
    expect(errorOf(await send(b, conversation.id, 'the code\u200B-**42**'))).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'No codes' } })
    expect(await history(bob, conversation.id)).toEqual([])
  })

  it('refuses a blocked conversation title on create and on rename, and changes nothing', async () => {
    const { alice, bob, projectId, conversation } = await aliceBobAndMallory()
    await blockWord(projectId)
    const before = must(await api<{ conversations: Conversation[] }>(alice.base, 'GET', `/api/projects/${projectId}/conversations`, { token: alice.token }), 'list').conversations
    for (const title of [`${WORD} club`, '**frob**nicate club', 'frob\u200Bnicate club']) {
      const create = await api(alice.base, 'POST', `/api/projects/${projectId}/conversations`, { token: alice.token, body: { title, type: 'group', participantIds: [bob.user.id] } })
      expect(create.status, title).toBe(422)
      expect(create.body, title).toEqual(blockedBody)
      const rename = await api(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { title } })
      expect(rename.status, title).toBe(422)
      expect(rename.body, title).toEqual(blockedBody)
    }
    const after = must(await api<{ conversations: Conversation[] }>(alice.base, 'GET', `/api/projects/${projectId}/conversations`, { token: alice.token }), 'list').conversations
    expect(after.map(c => [c.id, c.title])).toEqual(before.map(c => [c.id, c.title]))
    expect(await history(alice, conversation.id)).toEqual([])
    expect((await api(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { title: 'book club' } })).status).toBe(200)
  })

  it('refuses a blocked display name in a project the member belongs to, and keeps the old one', async () => {
    const { bob, projectId } = await aliceBobAndMallory()
    await blockWord(projectId)
    for (const displayName of [`Sir ${WORD}`, 'Sir frob\u00ADnicate', 'Sir **frob**nicate']) {
      const res = await api(bob.base, 'PATCH', '/api/me', { token: bob.token, body: { displayName } })
      expect(res.status, displayName).toBe(422)
      expect(res.body, displayName).toEqual(blockedBody)
    }
    expect(must(await api<{ user: User }>(bob.base, 'GET', '/api/me', { token: bob.token }), 'me').user.displayName).toBe('Bob')
    expect((await api(bob.base, 'PATCH', '/api/me', { token: bob.token, body: { displayName: 'Robert' } })).status).toBe(200)
  })
})

describe('naming people one by one counts like @channel', () => {
  it('refuses a member who names more than 20 people in a message, as it refuses @channel there; owners may', async () => {
    const alice = await signUp('Alice')
    const others = await Promise.all(Array.from({ length: 22 }, (_, i) => signUp(`n${i}x`)))
    const { conversation } = await setupConversation(alice, others)
    const [sender, ...named] = others
    const m = await connect(sender!)
    const names = (n: number) => named.slice(0, n).map(o => `@${o.user.displayName}`).join(' ')

    const channel = await send(m, conversation.id, '@channel lunch?')
    expect(errorOf(channel)).toMatchObject({ code: 'FORBIDDEN', details: { rule: 'broadcast-mention' } })
    const oneByOne = await send(m, conversation.id, `lunch? ${names(21)}`)
    expect(errorOf(oneByOne)).toMatchObject({ code: 'FORBIDDEN', details: { rule: 'broadcast-mention' } })
    const rest = await api<{ error: ErrorBody }>(sender!.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: sender!.token, body: { clientId: randomUUID(), content: `lunch? ${names(21)}` }
    })
    expect(rest.status).toBe(403)
    expect(rest.body.error).toMatchObject({ code: 'FORBIDDEN', details: { rule: 'broadcast-mention' } })

    const twenty = await send(m, conversation.id, `lunch? ${names(20)}`)
    if (!twenty.ok) throw new Error(`20 mentions refused: ${JSON.stringify(twenty.error)}`)
    expect(twenty.message.mentions).toHaveLength(20)
    const edit = await ack<{ ok: boolean, error?: ErrorBody }>(m, 'message:edit', { messageId: twenty.message.id, content: `lunch? ${names(21)}` })
    expect(edit.error).toMatchObject({ code: 'FORBIDDEN', details: { rule: 'broadcast-mention' } })

    const owner = await connect(alice)
    const fromOwner = await send(owner, conversation.id, `standup ${names(21)}`)
    expect(fromOwner.ok && fromOwner.message.mentions).toHaveLength(21)
  })
})

describe('system lines are plain text', () => {
  it('shows a title written as a markdown link as text in the rename line, live and in history', async () => {
    const { alice, bob, conversation, b } = await aliceBobAndMallory()
    const title = '[click](http://evil.test/login) **now**'
    const live = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.type === 'system')
    must(await api(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { title } }), 'rename')
    const { message } = await live
    const [stored] = await history(bob, conversation.id)
    for (const line of [message, stored!]) {
      expect(line.content).toBe(`Alice renamed the conversation to “${title}”`)
      expect(line.contentHtml).not.toMatch(/<a\b|<strong>/)
      expect(line.contentHtml).toBe(`<p>Alice renamed the conversation to “${title}”</p>`)
    }
  })
})

describe('the edit history of a deleted message', () => {
  it('is for global admins only: the group owner gets NOT_FOUND like for any deleted message', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob, admin])
    const b = await connect(bob)
    const sent = await send(b, conversation.id, 'my original words')
    if (!sent.ok) throw new Error('send failed')
    await ack(b, 'message:edit', { messageId: sent.message.id, content: 'toned down' })
    const path = `/api/messages/${sent.message.id}/edits`
    // Before the delete the owner moderates the group and sees earlier versions (the contract's "moderators").
    expect(must(await api<{ edits: { content: string }[] }>(alice.base, 'GET', path, { token: alice.token }), 'edits').edits.map(e => e.content)).toEqual(['my original words'])
    await ack(b, 'message:delete', { messageId: sent.message.id })
    for (const who of [alice, bob]) {
      const res = await api<{ error: ErrorBody }>(who.base, 'GET', path, { token: who.token })
      expect(res.status).toBe(404)
      expect(res.body.error.code).toBe('NOT_FOUND')
      expect(JSON.stringify(res.body)).not.toContain('original')
    }
    const forAdmin = must(await api<{ edits: { content: string }[] }>(admin.base, 'GET', path, { token: admin.token }), 'admin edits')
    expect(forAdmin.edits.map(e => e.content)).toEqual(['my original words'])
  })
})
