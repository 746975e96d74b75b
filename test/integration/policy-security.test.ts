import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncResult } from '#shared/events'
import type { Message } from '#shared/types'
import {
  ack, api, baseUrl, closeAllSockets, collect, connect, logIn, send, setupConversation, signUp, sleep, type Session
} from '../support/helpers'

afterEach(() => closeAllSockets())

type SyncAck = { ok: true, results: SyncResult[] } | { ok: false, error: { code: string, message: string, details?: Record<string, unknown> } }
type Fields = { fields?: { field: string }[] }

/** The same user on the second instance when there is one (budgets must hold cluster-wide). */
const elsewhere = (session: Session): Session => ({ ...session, base: baseUrl(1) })

describe('sync:request abuse', () => {
  it('refuses a request naming more conversations than the cap, naming the field', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    await send(a, conversation.id, 'one')
    const flood = Array.from({ length: 500 }, () => ({ conversationId: conversation.id, afterSeq: 0 }))
    const reply = await ack<SyncAck>(a, 'sync:request', { conversations: flood })
    expect(reply.ok).toBe(false)
    if (reply.ok) return
    expect(reply.error.code).toBe('VALIDATION')
    expect((reply.error.details as Fields).fields?.[0]?.field).toBe('conversations')
  })

  it('answers a repeated conversation once, from its lowest cursor', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    for (const text of ['one', 'two', 'three']) await send(a, conversation.id, text)
    const repeated = [2, 0, 1, ...Array.from({ length: 40 }, () => 2)].map(afterSeq => ({ conversationId: conversation.id, afterSeq }))
    const reply = await ack<SyncAck>(a, 'sync:request', { conversations: repeated })
    expect(reply.ok).toBe(true)
    if (!reply.ok) return
    expect(reply.results).toHaveLength(1)
    expect(reply.results[0]!.messages.map(m => m.content)).toEqual(['one', 'two', 'three'])
  })

  it('rate-limits sync requests per user, on every instance together, with retryAfterMs', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const sockets = [await connect(alice), await connect(elsewhere(alice))]
    const one = { conversations: [{ conversationId: conversation.id, afterSeq: 0 }] }
    const replies = await Promise.all(Array.from({ length: 320 }, (_, i) => ack<SyncAck>(sockets[i % 2]!, 'sync:request', one)))
    const refused = replies.filter((r): r is Extract<SyncAck, { ok: false }> => !r.ok)
    // The default budget is 300 conversation syncs a minute, one per entry.
    expect(replies.filter(r => r.ok)).toHaveLength(300)
    expect(refused.length).toBe(20)
    for (const r of refused) {
      expect(r.error.code).toBe('RATE_LIMITED')
      expect(r.error.details?.retryAfterMs).toBeGreaterThan(0)
    }
    // Another user is not affected.
    const bob = await signUp('Bob')
    const own = await setupConversation(bob, [])
    const b = await connect(bob)
    expect((await ack<SyncAck>(b, 'sync:request', { conversations: [{ conversationId: own.conversation.id, afterSeq: 0 }] })).ok).toBe(true)
  })
})

describe('typing floods', () => {
  it('broadcasts at most one typing start per second per user and conversation, however it is toggled', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const b = await connect(bob)
    const seen = collect<{ userId: string, isTyping: boolean }>(b, 'typing:update')
    const a1 = await connect(alice)
    const a2 = await connect(elsewhere(alice))
    const started = Date.now()
    for (let i = 0; i < 30; i++) {
      const socket = i % 2 ? a2 : a1
      await ack(socket, 'typing:start', { conversationId: conversation.id })
      await ack(socket, 'typing:stop', { conversationId: conversation.id })
    }
    const burstMs = Date.now() - started
    await sleep(400)
    const starts = seen.items.filter(u => u.isTyping)
    // 60 toggles used to reach everyone; now one start per started second of the burst, at most.
    expect(starts.length).toBeGreaterThanOrEqual(1)
    expect(starts.length).toBeLessThanOrEqual(Math.ceil(burstMs / 1000) + 1)
    expect(seen.items.length).toBeLessThanOrEqual(2 * starts.length)

    // After a quiet second a real start is announced again.
    await sleep(1100)
    const before = seen.items.length
    await ack(a1, 'typing:start', { conversationId: conversation.id })
    await sleep(300)
    expect(seen.items.slice(before)).toEqual([expect.objectContaining({ userId: alice.user.id, isTyping: true })])
  })
})

describe('project roles', () => {
  async function project() {
    const owner = await signUp('Owner')
    const admin = await signUp('Admin')
    const peer = await signUp('Peer')
    const created = await api<{ project: { id: string } }>(owner.base, 'POST', '/api/projects', { token: owner.token, body: { name: 'roles' } })
    const projectId = created.body.project.id
    for (const who of [admin, peer]) {
      const added = await api(owner.base, 'POST', `/api/projects/${projectId}/members`, { token: owner.token, body: { email: who.user.email, role: 'admin' } })
      expect(added.status).toBe(200)
    }
    const roles = async () => {
      const res = await api<{ members: { userId: string, role: string }[] }>(owner.base, 'GET', `/api/projects/${projectId}/members`, { token: owner.token })
      return Object.fromEntries(res.body.members.map(m => [m.userId, m.role]))
    }
    return { owner, admin, peer, projectId, roles }
  }

  it('a project admin cannot demote the owner or another admin by re-adding them, nor make an owner', async () => {
    const { owner, admin, peer, projectId, roles } = await project()
    const add = (email: string, role: string) => api(admin.base, 'POST', `/api/projects/${projectId}/members`, { token: admin.token, body: { email, role } })
    for (const role of ['member', 'admin']) {
      const demote = await add(owner.user.email, role)
      expect(demote.status).toBe(403)
      expect(demote.body.error?.code).toBe('FORBIDDEN')
    }
    const demotePeer = await add(peer.user.email, 'member')
    expect(demotePeer.status).toBe(403)
    const newcomer = await signUp('Newcomer')
    expect((await add(newcomer.user.email, 'owner')).status).toBe(403)
    expect(await roles()).toEqual({ [owner.user.id]: 'owner', [admin.user.id]: 'admin', [peer.user.id]: 'admin' })
    // What an admin may do still works: add a member, and re-add someone with the role they have.
    expect((await add(newcomer.user.email, 'member')).status).toBe(200)
    expect((await add(peer.user.email, 'admin')).status).toBe(200)
    expect((await add(newcomer.user.email, 'admin')).status).toBe(200)
  })

  it('the owner may change roles, but the last owner cannot step down', async () => {
    const { owner, admin, projectId, roles } = await project()
    const add = (email: string, role: string) => api(owner.base, 'POST', `/api/projects/${projectId}/members`, { token: owner.token, body: { email, role } })
    const alone = await add(owner.user.email, 'member')
    expect(alone.status).toBe(409)
    expect(alone.body.error?.code).toBe('CONFLICT')
    expect((await add(admin.user.email, 'owner')).status).toBe(200)
    expect((await add(owner.user.email, 'admin')).status).toBe(200)
    const now = await roles()
    expect([now[owner.user.id], now[admin.user.id]]).toEqual(['admin', 'owner'])
  })
})

describe('probing message and attachment ids', () => {
  it('answers a foreign id exactly like an unknown one, over REST and socket', async () => {
    const alice = await signUp('Alice')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const sent = await send(a, conversation.id, 'secret')
    if (!sent.ok) throw new Error('send failed')
    const form = new FormData()
    form.append('file', new Blob(['private notes\n'], { type: 'text/plain' }), 'notes.txt')
    const uploaded = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form })
    const attachmentId = ((await uploaded.json()) as { attachment: { id: string } }).attachment.id

    const own = await setupConversation(mallory, [], 'mine')
    const m = await connect(mallory)
    const t = { token: mallory.token }
    const probes: [string, (id: string) => Promise<unknown>][] = [
      ['PATCH message', async id => api(mallory.base, 'PATCH', `/api/messages/${id}`, { ...t, body: { content: 'x' } })],
      ['DELETE message', async id => api(mallory.base, 'DELETE', `/api/messages/${id}`, t)],
      ['socket edit', async id => ack(m, 'message:edit', { messageId: id, content: 'x' })],
      ['socket delete', async id => ack(m, 'message:delete', { messageId: id })],
      ['reply to', async id => ack(m, 'message:send', { clientId: randomUUID(), conversationId: own.conversation.id, content: 'x', replyToId: id })],
      ['thread root', async id => ack(m, 'message:send', { clientId: randomUUID(), conversationId: own.conversation.id, content: 'x', threadRootId: id })]
    ]
    for (const [name, probe] of probes) {
      const foreign = await probe(sent.message.id)
      const unknown = await probe(randomUUID())
      expect(unknown, name).toEqual(foreign)
      expect(JSON.stringify(foreign), name).not.toContain('secret')
    }
    const attachmentProbes: [string, (id: string) => Promise<unknown>][] = [
      ['GET attachment', async (id) => {
        const res = await fetch(`${mallory.base}/api/attachments/${id}`, { headers: { authorization: `Bearer ${mallory.token}` } })
        return { status: res.status, body: await res.json() }
      }],
      ['GET attachment url', async id => api(mallory.base, 'GET', `/api/attachments/${id}/url`, t)],
      ['DELETE attachment', async id => api(mallory.base, 'DELETE', `/api/attachments/${id}`, t)]
    ]
    for (const [name, probe] of attachmentProbes) {
      const foreign = await probe(attachmentId) as { status: number }
      const unknown = await probe(randomUUID())
      expect(unknown, name).toEqual(foreign)
      expect(foreign.status, name).toBe(403)
    }
  })
})

describe('replayed clientId after removal', () => {
  it('a removed participant gets FORBIDDEN, not the message as it is now, over REST and socket', async () => {
    const admin = await logIn('admin@example.com')
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const b = await connect(bob)
    const clientId = randomUUID()
    const original = await send(b, conversation.id, 'hello from bob', clientId)
    if (!original.ok) throw new Error('send failed')
    const removed = await api(admin.base, 'DELETE', `/api/admin/conversations/${conversation.id}/participants/${bob.user.id}`, { token: admin.token })
    expect(removed.status).toBe(200)
    // After bob is gone the message gains a thread he must not learn about.
    const a = await connect(alice)
    const reply = await ack<{ ok: boolean }>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'private follow-up', threadRootId: original.message.id })
    expect(reply.ok).toBe(true)

    const rest = await api<{ message?: Message }>(bob.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: bob.token, body: { clientId, content: 'hello from bob' } })
    expect(rest.status).toBe(403)
    expect(rest.body.error?.code).toBe('FORBIDDEN')
    expect(rest.body.message).toBeUndefined()
    const b2 = await connect(bob)
    const replay = await send(b2, conversation.id, 'hello from bob', clientId)
    expect(replay.ok).toBe(false)
    if (!replay.ok) expect(replay.error.code).toBe('FORBIDDEN')
    expect(JSON.stringify(replay)).not.toContain('replyCount')
  })
})

describe('search cursors', () => {
  it('refuses crafted cursors with VALIDATION naming cursor, and still pages with real ones', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    const word = `needle${randomUUID().slice(0, 8)}`
    for (let i = 0; i < 3; i++) await send(a, conversation.id, `${word} number ${i}`)
    const search = (cursor?: string) => api<{ results: { message: Message }[], nextCursor: string | null }>(alice.base, 'GET',
      `/api/search?q=${word}&limit=2${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, { token: alice.token })
    const first = await search()
    expect(first.status).toBe(200)
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const second = await search(first.body.nextCursor!)
    expect(second.status).toBe(200)
    expect(second.body.results).toHaveLength(1)

    const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
    const id = randomUUID()
    const at = '2026-01-02 03:04:05.123456+00'
    const crafted = [
      '!!!not-base64!!!', '%%%', b64('junk'), b64('{"rank":1}'), b64([]), b64([1, 2, 3]), b64(['0.1', at]), b64(['0.1', at, id, 'x']),
      b64([0.1, at, id]), b64(['0.1', 12345, id]), b64(['0.1', at, 'not-a-uuid']),
      b64(['1e39', at, id]), b64(['1e-50', at, id]), b64(['9'.repeat(60), at, id]), b64(['', at, id]), b64(['0x10', at, id]), b64(['NaN', at, id]),
      b64(['0.1', '2026-13-45 25:61:61+00', id]), b64(['0.1', '2023-02-29 00:00:00+00', id]), b64(['0.1', '0000-01-01 00:00:00+00', id]),
      b64(['0.1', '2026-01-02 03:04:05+99', id]), b64(['0.1', '2026-01-02 24:00:00+00', id]),
      Buffer.from([0xFF, 0xFE, 0xFD]).toString('base64url')
    ]
    for (const cursor of crafted) {
      const res = await search(cursor)
      expect(res.status, cursor).toBe(400)
      expect(res.body.error?.code, cursor).toBe('VALIDATION')
      expect((res.body.error?.details as Fields).fields?.[0]?.field, cursor).toBe('cursor')
    }
  })
})
