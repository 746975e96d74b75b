import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment, Message } from '#shared/types'
import { startInstance, type Instance } from '../support/instance.mjs'
import { ack, api, closeAllSockets, connect, send, setupConversation, signUp, sleep, type Session } from '../support/helpers'

/**
 * A server of its own with tight limits, so budgets, quotas and the unsent-upload TTL can be
 * reached in seconds. It runs on the embedded database, which the test edits while the server is
 * stopped to set up what has no member endpoint yet (a mute, a lock).
 */
const LIMITS = {
  CHAT_RATE_LIMIT_PER_MINUTE: '5',
  UPLOAD_RATE_LIMIT_PER_MINUTE: '4',
  UPLOAD_QUOTA_BYTES: '4000',
  // 3.6 s, swept every second.
  UPLOAD_UNSENT_TTL_HOURS: '0.001'
}

let server: Instance
let dataDir: string
let env: Record<string, string>

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chat-policy-'))
  env = { ...LIMITS, DATA_DIR: dataDir }
  server = await startInstance({ env, pgliteTemplate: true })
})
afterAll(async () => {
  await server?.stop()
})
afterEach(() => closeAllSockets())

const user = (name: string) => signUp(name, server.url)

/** Stops the server, runs SQL against its database, and starts it again on the same port. */
async function editDatabaseOffline(statements: [string, unknown[]][]) {
  closeAllSockets()
  await server.stop()
  const db = await PGlite.create(join(dataDir, 'pglite'), { extensions: { pg_trgm } })
  try {
    for (const [query, params] of statements) await db.query(query, params)
  } finally {
    await db.close()
  }
  server = await startInstance({ env, port: server.port })
}

type ErrorBody = { code: string, message: string, details?: Record<string, unknown> }

async function upload(session: Session, conversationId: string, text: string, fileName = 'notes.txt') {
  const form = new FormData()
  form.append('file', new Blob([text], { type: 'text/plain' }), fileName)
  const res = await fetch(`${session.base}/api/conversations/${conversationId}/uploads`, {
    method: 'POST', headers: { authorization: `Bearer ${session.token}` }, body: form
  })
  return { status: res.status, body: await res.json() as { attachment: Attachment, error?: ErrorBody } }
}

const codeOf = (reply: { ok: boolean, error?: ErrorBody }) => reply.ok ? 'ok' : reply.error?.code

describe('edits pass the posting policy', () => {
  it('an edit draws on the message budget, over socket and REST', async () => {
    const alice = await user('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const sent = await send(a, conversation.id, 'v0')
    if (!sent.ok) throw new Error('send failed')
    const codes: (string | undefined)[] = []
    for (let i = 1; i <= 5; i++) codes.push(codeOf(await ack(a, 'message:edit', { messageId: sent.message.id, content: `v${i}` })))
    // The send took one of five: four edits pass, the fifth is refused with a wait.
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED'])
    const refused = await ack<{ ok: false, error: ErrorBody }>(a, 'message:edit', { messageId: sent.message.id, content: 'again' })
    expect(refused.error.details?.retryAfterMs).toBeGreaterThan(0)
    const rest = await api(alice.base, 'PATCH', `/api/messages/${sent.message.id}`, { token: alice.token, body: { content: 'rest' } })
    expect(rest.status).toBe(429)
    expect(rest.body.error?.code).toBe('RATE_LIMITED')
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages.map(m => m.content)).toEqual(['v4'])
  })

  it('a muted member cannot edit or upload, and nobody but global admins can in a locked conversation', async () => {
    const owner = await user('Owner')
    const member = await user('Member')
    const muted = await user('Muted')
    const { conversation: locked } = await setupConversation(owner, [member], 'locked')
    const { conversation: open } = await setupConversation(owner, [muted], 'open')
    const [o, m, x] = [await connect(owner), await connect(member), await connect(muted)]
    const ownerMessage = await send(o, locked.id, 'owner text')
    const memberMessage = await send(m, locked.id, 'member text')
    const mutedMessage = await send(x, open.id, 'muted text')
    if (!ownerMessage.ok || !memberMessage.ok || !mutedMessage.ok) throw new Error('send failed')

    await editDatabaseOffline([
      ['update conversations set status = \'locked\' where id = $1', [locked.id]],
      ['insert into user_sanctions (user_id, kind, reason, until) values ($1, \'mute\', \'cool down\', now() + interval \'1 hour\')', [muted.user.id]]
    ])

    const [o2, m2, x2] = [await connect(owner), await connect(member), await connect(muted)]
    expect(codeOf(await ack(m2, 'message:edit', { messageId: memberMessage.message.id, content: 'sneaky' }))).toBe('CONVERSATION_LOCKED')
    const lockedRest = await api(member.base, 'PATCH', `/api/messages/${memberMessage.message.id}`, { token: member.token, body: { content: 'sneaky' } })
    expect([lockedRest.status, lockedRest.body.error?.code]).toEqual([423, 'CONVERSATION_LOCKED'])
    expect(codeOf(await ack(o2, 'message:edit', { messageId: ownerMessage.message.id, content: 'owner may not' }))).toBe('CONVERSATION_LOCKED')

    const mutedEdit = await ack<{ ok: boolean, error?: ErrorBody }>(x2, 'message:edit', { messageId: mutedMessage.message.id, content: 'still talking' })
    expect(codeOf(mutedEdit)).toBe('MUTED')
    expect(mutedEdit.error?.details?.until).toEqual(expect.any(String))
    const mutedRest = await api(muted.base, 'PATCH', `/api/messages/${mutedMessage.message.id}`, { token: muted.token, body: { content: 'still talking' } })
    expect([mutedRest.status, mutedRest.body.error?.code]).toEqual([403, 'MUTED'])
    const mutedUpload = await upload(muted, open.id, 'a file instead')
    expect([mutedUpload.status, mutedUpload.body.error?.code]).toEqual([403, 'MUTED'])
    const lockedUpload = await upload(member, locked.id, 'a file instead')
    expect([lockedUpload.status, lockedUpload.body.error?.code]).toEqual([423, 'CONVERSATION_LOCKED'])

    const history = await api<{ messages: Message[] }>(owner.base, 'GET', `/api/conversations/${locked.id}/messages`, { token: owner.token })
    expect(history.body.messages.map(m => m.content)).toEqual(['owner text', 'member text'])
    const openHistory = await api<{ messages: Message[] }>(owner.base, 'GET', `/api/conversations/${open.id}/messages`, { token: owner.token })
    expect(openHistory.body.messages.map(m => m.content)).toEqual(['muted text'])
  })
})

describe('upload limits', () => {
  it('rate-limits uploads per user with retryAfterMs', async () => {
    const alice = await user('Alice')
    const { conversation } = await setupConversation(alice, [])
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await upload(alice, conversation.id, `file ${i}\n`)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429])
    const refused = await upload(alice, conversation.id, 'one more\n')
    expect(refused.body.error?.code).toBe('RATE_LIMITED')
    expect(refused.body.error?.details?.retryAfterMs).toBeGreaterThan(0)
  })

  it('keeps each user within a storage quota, and frees it when files go', async () => {
    const alice = await user('Alice')
    const { conversation } = await setupConversation(alice, [])
    const first = await upload(alice, conversation.id, 'a'.repeat(3000))
    expect(first.status).toBe(200)
    const over = await upload(alice, conversation.id, 'b'.repeat(1500))
    expect(over.status).toBe(413)
    expect(over.body.error?.code).toBe('PAYLOAD_TOO_LARGE')
    expect(over.body.error?.details).toMatchObject({ reason: 'quota', quotaBytes: 4000, usedBytes: 3000 })
    // Someone else's quota is their own.
    const bob = await user('Bob')
    const own = await setupConversation(bob, [])
    expect((await upload(bob, own.conversation.id, 'c'.repeat(3000))).status).toBe(200)
    // Discarding the unsent file gives the room back.
    expect((await api(alice.base, 'DELETE', `/api/attachments/${first.body.attachment.id}`, { token: alice.token })).status).toBe(200)
    expect((await upload(alice, conversation.id, 'b'.repeat(1500))).status).toBe(200)
  })
})

describe('unsent uploads', () => {
  it('are purged with their files once past the TTL, while sent ones stay', async () => {
    const alice = await user('Alice')
    const { conversation } = await setupConversation(alice, [])
    const unsent = (await upload(alice, conversation.id, 'never sent\n', 'draft.txt')).body.attachment
    const kept = (await upload(alice, conversation.id, 'sent along\n', 'kept.txt')).body.attachment
    const a = await connect(alice)
    const sent = await ack<{ ok: boolean }>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'kept.txt', attachmentIds: [kept.id] })
    expect(sent.ok).toBe(true)
    const folder = (id: string) => join(dataDir, 'uploads', conversation.id, id)
    expect(readdirSync(folder(unsent.id))).toEqual(['draft.txt'])

    const fetchAs = (id: string) => fetch(`${alice.base}/api/attachments/${id}`, { headers: { authorization: `Bearer ${alice.token}` } })
    const deadline = Date.now() + 15_000
    while ((await fetchAs(unsent.id)).status === 200 && Date.now() < deadline) await sleep(500)
    const gone = await fetchAs(unsent.id)
    expect(gone.status).toBe(403)
    // The sweep removes the row first and the file just after, so the folder may outlive the 403 briefly.
    while (existsSync(folder(unsent.id)) && Date.now() < deadline) await sleep(100)
    expect(existsSync(folder(unsent.id))).toBe(false)
    const stillThere = await fetchAs(kept.id)
    expect(stillThere.status).toBe(200)
    expect(await stillThere.text()).toBe('sent along\n')
    expect(readdirSync(folder(kept.id))).toEqual(['kept.txt'])
  })
})
