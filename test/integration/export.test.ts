import { randomUUID } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '#admin-shared/admin-schemas'
import type { ExportJob } from '#shared/export-schemas'
import type { Message } from '#shared/types'
import { CSV_COLUMNS, type ExportMessage } from '~~/server/services/export'
import { ack, aliceBobAndMallory, api, closeAllSockets, logIn, must, setupConversation, sleep, type SendAck, type Session } from '../support/helpers'
import { upload } from './upload-helpers'

const TRICKY = 'Commas, "double quotes", and\na new line — emoji 🎉👩‍💻, **markdown** `code`, <script>alert("x")</script> & <b>bold</b>'

let admin: Session
let alice: Session
let bob: Session
let mallory: Session
let conversationId: string
let projectId: string
/** What the member API returns for the conversation's messages, in seq order (thread replies included). */
let visible: Message[]
let deleted: Message
let root: Message

async function raw(session: Session | null, path: string) {
  const res = await fetch(`${(session ?? admin).base}${path}`, { headers: session ? { authorization: `Bearer ${session.token}` } : {} })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

const sent = (reply: SendAck) => {
  if (!reply.ok) throw new Error(`send failed: ${JSON.stringify(reply.error)}`)
  return reply.message
}

beforeAll(async () => {
  admin = await logIn('admin@example.com')
  const setup = await aliceBobAndMallory()
  ;({ alice, bob, mallory } = setup)
  conversationId = setup.conversation.id
  projectId = setup.projectId
  const { a, b } = setup
  const send = (socket: typeof a, content: string, extra: Record<string, unknown> = {}) =>
    ack<SendAck>(socket, 'message:send', { clientId: randomUUID(), conversationId, content, ...extra }).then(sent)
  await send(a, TRICKY)
  const file = await upload(alice, conversationId, 'line one, "two"\n', 'notes, "final".txt', 'text/plain')
  expect(file.status).toBe(200)
  await send(a, 'see the file', { attachmentIds: [file.body.attachment.id] })
  root = await send(b, 'thread root, with a comma')
  await send(a, 'a reply in the thread', { threadRootId: root.id })
  deleted = await send(b, 'secret, soon deleted')
  expect((await ack(b, 'message:delete', { messageId: deleted.id })).ok).toBe(true)
  await send(a, 'after the deletion')
  const timeline = must(await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversationId}/messages?limit=100`, { token: alice.token }), 'history')
  const thread = must(await api<{ replies: Message[] }>(alice.base, 'GET', `/api/messages/${root.id}/thread`, { token: alice.token }), 'thread')
  const all = [...timeline.messages, ...thread.replies].sort((x, y) => x.seq - y.seq)
  deleted = all.find(m => m.id === deleted.id)!
  visible = all.filter(m => !m.deletedAt)
  expect(visible).toHaveLength(5)
})

afterAll(() => closeAllSockets())

/** The fields every format carries, as the member API shows them. */
function expected(m: Message) {
  return {
    id: m.id, seq: m.seq, sentAt: m.createdAt, sender: { id: m.senderId, name: m.sender.displayName }, type: m.type, content: m.content,
    threadRootId: m.threadRootId, replyToId: m.replyToId, editedAt: m.editedAt, deletedAt: m.deletedAt
  }
}

const attachmentsOf = (m: Message) => m.attachments.map(a => ({ id: a.id, fileName: a.fileName, mimeType: a.mimeType, sizeBytes: a.sizeBytes, path: a.url }))

function csvRows(text: string): Record<string, string>[] {
  const [header, ...rows] = parse(text) as string[][]
  expect(header).toEqual([...CSV_COLUMNS])
  return rows.map(r => Object.fromEntries(header!.map((h, i) => [h, r[i]!])))
}

const ndjsonMessages = (text: string) => text.trimEnd().split('\n').slice(1).map(l => JSON.parse(l) as ExportMessage)
const adminExport = (query: string) => raw(admin, `/api/admin/conversations/${conversationId}/export?${query}`)

describe('admin conversation export round trip', () => {
  it('CSV parses back to exactly what the API shows, field by field, with the attachments manifest', async () => {
    const res = await adminExport('format=csv&includeAttachments=true')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="team-export-\d{4}-\d{2}-\d{2}\.csv"$/)
    const rows = csvRows(res.text)
    expect(rows.map(r => r.id)).toEqual(visible.map(m => m.id))
    rows.forEach((r, i) => {
      const m = visible[i]!
      expect(r).toEqual({
        conversation_id: conversationId, conversation: 'team', seq: String(m.seq), id: m.id, sent_at: m.createdAt, sender_id: m.senderId,
        sender_name: m.sender.displayName, type: m.type, content: m.content, thread_root_id: m.threadRootId ?? '', reply_to_id: m.replyToId ?? '',
        edited_at: m.editedAt ?? '', deleted_at: '', deleted_by: '', deleted_content: '', attachments: JSON.stringify(attachmentsOf(m))
      })
    })
    expect(rows[0]!.content).toBe(TRICKY)
    expect(JSON.parse(rows[1]!.attachments!)).toMatchObject([{ fileName: visible[1]!.attachments[0]!.fileName, mimeType: 'text/plain', sizeBytes: 16 }])
    expect(rows.find(r => r.id !== root.id && r.thread_root_id === root.id)?.content).toBe('a reply in the thread')
  })

  it('JSON is one document whose messages equal the API, field by field', async () => {
    const res = await adminExport('format=json&includeAttachments=true')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const doc = JSON.parse(res.text) as { export: { conversations: { id: string }[], includeDeleted: boolean }, messages: ExportMessage[] }
    expect(doc.export.conversations.map(c => c.id)).toEqual([conversationId])
    expect(doc.messages).toEqual(visible.map(m => ({ conversationId, ...expected(m), deletedBy: null, attachments: attachmentsOf(m) })))
  })

  it('NDJSON: a metadata line, then one API-equal message per line', async () => {
    const res = await adminExport('format=ndjson')
    const lines = res.text.trimEnd().split('\n')
    expect(JSON.parse(lines[0]!)).toMatchObject({ export: { scope: { conversationId }, includeDeleted: false } })
    expect(ndjsonMessages(res.text)).toEqual(visible.map(m => ({ conversationId, ...expected(m), deletedBy: null })))
  })

  it('HTML holds the escaped text and no raw markup from any message', async () => {
    const res = await adminExport('format=html')
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
    expect(res.text).not.toContain('<script')
    expect(res.text).not.toContain('<b>bold')
    expect(res.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    expect(res.text).toContain('🎉👩‍💻')
    expect(res.text).toContain('class="msg reply"')
  })

  it('deleted messages only with includeDeleted, marked with who and when, and what they said', async () => {
    const without = csvRows((await adminExport('format=csv')).text)
    expect(without.some(r => r.id === deleted.id)).toBe(false)
    const withDeleted = csvRows((await adminExport('format=csv&includeDeleted=true')).text)
    expect(withDeleted.map(r => r.id)).toEqual([...visible, deleted].sort((x, y) => x.seq - y.seq).map(m => m.id))
    const row = withDeleted.find(r => r.id === deleted.id)!
    expect(row).toMatchObject({ deleted_at: deleted.deletedAt, deleted_by: bob.user.id, content: '', deleted_content: 'secret, soon deleted' })
    const json = ndjsonMessages((await adminExport('format=ndjson&includeDeleted=1')).text).find(m => m.id === deleted.id)
    expect(json).toMatchObject({ deletedAt: deleted.deletedAt, deletedBy: bob.user.id, deletedContent: 'secret, soon deleted' })
  })

  it('from is inclusive and to exclusive; a bare day covers that whole day', async () => {
    const from = encodeURIComponent(root.createdAt)
    const after = ndjsonMessages((await adminExport(`format=ndjson&from=${from}`)).text)
    expect(after.map(m => m.id)).toEqual(visible.filter(m => m.createdAt >= root.createdAt).map(m => m.id))
    expect(after[0]!.id).toBe(root.id)
    const before = ndjsonMessages((await adminExport(`format=ndjson&to=${from}`)).text)
    expect(before.map(m => m.id)).toEqual(visible.filter(m => m.createdAt < root.createdAt).map(m => m.id))
    const today = root.createdAt.slice(0, 10)
    expect(ndjsonMessages((await adminExport(`format=ndjson&from=${today}&to=${today}`)).text)).toHaveLength(visible.length)
    expect(ndjsonMessages((await adminExport('format=ndjson&to=2000-01-01')).text)).toEqual([])
    expect((await adminExport('format=ndjson&from=yesterday')).status).toBe(400)
  })

  it('an unknown conversation is NOT_FOUND and a bad format VALIDATION', async () => {
    expect((await raw(admin, `/api/admin/conversations/${randomUUID()}/export?format=csv`)).status).toBe(404)
    expect((await adminExport('format=xlsx')).status).toBe(400)
  })

  it('every download is audited with its scope, format and range', async () => {
    await adminExport('format=json&from=2026-01-01&includeDeleted=true')
    const { entries } = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&targetId=${conversationId}`, { token: admin.token }), 'audit')
    expect(entries[0]).toMatchObject({
      action: 'export.create', targetType: 'conversation', targetId: conversationId, actor: { id: admin.user.id },
      details: { mode: 'download', scope: { conversationId }, format: 'json', range: { from: '2026-01-01T00:00:00.000Z', to: null }, includeDeleted: true }
    })
  })
})

describe('member export of their own conversations', () => {
  const memberExport = (s: Session, query: string, id = conversationId) => raw(s, `/api/conversations/${id}/export?${query}`)

  it('a participant gets JSON equal to the API, without anyone\'s deleted messages even when asking for them', async () => {
    for (const who of [alice, bob]) {
      const res = await memberExport(who, 'format=json&includeDeleted=true&includeAttachments=true')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="team-export-/)
      const doc = JSON.parse(res.text) as { messages: ExportMessage[] }
      expect(doc.messages).toEqual(visible.map(m => ({ conversationId, ...expected(m), deletedBy: null, attachments: attachmentsOf(m) })))
      expect(res.text).not.toContain('secret, soon deleted')
    }
  })

  it('HTML transcript is escaped; CSV and NDJSON are admin formats', async () => {
    const html = await memberExport(alice, 'format=html')
    expect(html.status).toBe(200)
    expect(html.text).toContain('&lt;script&gt;')
    expect(html.text).not.toContain('<script')
    expect((await memberExport(alice, 'format=csv')).status).toBe(400)
  })

  it('one thread: its root and replies only', async () => {
    const res = await memberExport(bob, `format=json&threadId=${root.id}`)
    expect(res.status).toBe(200)
    const doc = JSON.parse(res.text) as { export: { scope: unknown }, messages: ExportMessage[] }
    expect(doc.export.scope).toEqual({ conversationId, threadId: root.id })
    expect(doc.messages.map(m => m.content)).toEqual(['thread root, with a comma', 'a reply in the thread'])
  })

  it('refuses a non-participant, another project\'s conversation, someone else\'s thread and anonymous callers', async () => {
    const outsider = await memberExport(mallory, 'format=json')
    expect(outsider.status).toBe(403)
    expect(outsider.text).not.toContain('team')
    // Mallory's own conversation in her own project, and Alice's thread root passed with it.
    const own = await setupConversation(mallory, [], 'mallory-room')
    expect((await memberExport(mallory, 'format=json', own.conversation.id)).status).toBe(200)
    expect((await memberExport(mallory, `format=json&threadId=${root.id}`, own.conversation.id)).status).toBe(403)
    expect((await memberExport(alice, 'format=json', own.conversation.id)).status).toBe(403)
    // A deleted message is no thread root to export.
    expect((await memberExport(alice, `format=json&threadId=${deleted.id}`)).status).toBe(403)
    expect((await memberExport(alice, `format=json&threadId=${randomUUID()}`)).status).toBe(403)
    expect((await raw(null, `/api/conversations/${conversationId}/export?format=json`)).status).toBe(401)
  })

  it('is on record in the audit log: who exported what, in which format and range', async () => {
    expect((await memberExport(bob, 'format=html&from=2026-01-01')).status).toBe(200)
    const { entries } = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&targetId=${conversationId}`, { token: admin.token }), 'audit')
    expect(entries[0]).toMatchObject({ actor: { id: bob.user.id }, targetType: 'conversation', details: { mode: 'member', format: 'html' } })
  })
})

describe('project export as a background job', () => {
  it('goes queued → running → done with progress, and its file equals a direct export', async () => {
    const created = must(await api<{ export: ExportJob }>(admin.base, 'POST', '/api/admin/exports', {
      token: admin.token, body: { scope: { projectId }, format: 'ndjson', includeDeleted: true }
    }), 'create export')
    expect(['queued', 'running', 'done']).toContain(created.export.status)
    const seen = new Set<string>([created.export.status])
    let job = created.export
    for (let i = 0; i < 100 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await sleep(100)
      job = must(await api<{ export: ExportJob }>(admin.base, 'GET', `/api/admin/exports/${created.export.id}`, { token: admin.token }), 'poll').export
      seen.add(job.status)
    }
    expect(job).toMatchObject({ status: 'done', progress: 1, downloadUrl: `/api/admin/exports/${job.id}/download` })
    expect(job.sizeBytes).toBeGreaterThan(0)
    expect([...seen].every(s => ['queued', 'running', 'done'].includes(s))).toBe(true)

    const file = await raw(admin, job.downloadUrl!)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="p-team-export-\d{4}-\d{2}-\d{2}\.ndjson"$/)
    const { export: meta } = JSON.parse(file.text.split('\n')[0]!) as { export: { scope: unknown, conversations: { id: string, projectId: string }[] } }
    expect(meta.scope).toEqual({ projectId })
    expect(meta.conversations.map(c => c.id)).toContain(conversationId)
    expect(meta.conversations.every(c => c.projectId === projectId)).toBe(true)
    // Every conversation of the project, each one exactly as its own direct download has it.
    const lines = ndjsonMessages(file.text)
    expect(job.rowsDone).toBe(lines.length)
    expect(job.rowsTotal).toBe(lines.length)
    for (const c of meta.conversations) {
      const direct = await raw(admin, `/api/admin/conversations/${c.id}/export?format=ndjson&includeDeleted=true`)
      expect(lines.filter(m => m.conversationId === c.id)).toEqual(ndjsonMessages(direct.text))
    }
    expect(lines.filter(m => m.conversationId === conversationId)).toHaveLength(visible.length + 1)

    const list = must(await api<{ exports: ExportJob[] }>(admin.base, 'GET', '/api/admin/exports', { token: admin.token }), 'list')
    expect(list.exports.find(e => e.id === job.id)).toMatchObject({ status: 'done', scopeLabel: 'p-team', requestedBy: { id: admin.user.id } })

    const { entries } = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&targetId=${job.id}`, { token: admin.token }), 'audit')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ targetType: 'export', details: { mode: 'job', scope: { projectId }, format: 'ndjson', includeDeleted: true, range: { from: null, to: null } } })
  })

  it('validates the scope: exactly one of project or conversation, and it must exist', async () => {
    const post = (body: unknown) => api(admin.base, 'POST', '/api/admin/exports', { token: admin.token, body })
    expect((await post({ scope: {}, format: 'csv' })).status).toBe(400)
    expect((await post({ scope: { projectId, conversationId }, format: 'csv' })).status).toBe(400)
    expect((await post({ scope: { projectId: randomUUID() }, format: 'csv' })).status).toBe(404)
    expect((await api(admin.base, 'GET', `/api/admin/exports/${randomUUID()}`, { token: admin.token })).status).toBe(404)
  })
})

describe('export routes are for admins only', () => {
  it('answers 401 anonymous and 403 to a member on every admin export route', async () => {
    const job = must(await api<{ export: ExportJob }>(admin.base, 'POST', '/api/admin/exports', { token: admin.token, body: { scope: { conversationId }, format: 'csv' } }), 'create')
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/admin/conversations/${conversationId}/export?format=csv`],
      ['GET', `/api/admin/conversations/${conversationId}/export?format=bogus`],
      ['POST', '/api/admin/exports', { scope: { conversationId }, format: 'csv' }],
      ['POST', '/api/admin/exports', { nonsense: true }],
      ['GET', '/api/admin/exports'],
      ['GET', `/api/admin/exports/${job.export.id}`],
      ['GET', `/api/admin/exports/${job.export.id}/download`]
    ]
    for (const [method, path, body] of calls) {
      const member = await api(alice.base, method, path, { token: alice.token, body })
      expect(member.status, `${method} ${path} as a member`).toBe(403)
      expect(member.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
      expect((await api(alice.base, method, path, { body })).status, `${method} ${path} anonymous`).toBe(401)
    }
    const { entries } = must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&limit=200`, { token: admin.token }), 'audit')
    // Members' own copies are on record too, as `mode: member`; nothing refused above was recorded.
    expect(entries.filter(e => e.details.mode !== 'member').every(e => e.actor?.id === admin.user.id)).toBe(true)
  })
})
