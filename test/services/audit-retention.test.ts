import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import type { AuditVerifyResult } from '#admin-shared/audit-schemas'
import type { RetentionPreview, RetentionRunResult } from '#admin-shared/retention-schemas'
import type { MessageDeletedPayload } from '#shared/events'
import type { Message } from '#shared/types'
import { api, closeAllSockets, collect, connect, logIn, must, sendOk, setupConversation, signUp, until, type Session } from '../support/helpers'
import { drizzle } from 'drizzle-orm/postgres-js'
import * as schema from '~~/server/db/schema'
import type { Db } from '~~/server/db/client'
import { chainUnchainedAudit } from '#layers/admin/server/services/audit/chain'
import { png, upload } from '../integration/upload-helpers'
import { history, instances, syncAll } from './helpers'

afterEach(() => closeAllSockets())

let sql: postgres.Sql
let adminA: Session
let adminB: Session
beforeAll(async () => {
  sql = postgres(inject('services').databaseUrl, { max: 2, onnotice: () => {} })
  const { A, B } = instances()
  adminA = await logIn('admin@example.com', 'password', A)
  adminB = await logIn('admin@example.com', 'password', B)
})
afterAll(async () => {
  await sql.end({ timeout: 5 })
})

const verify = async (s = adminA) => must(await api<AuditVerifyResult>(s.base, 'GET', '/api/admin/audit/verify', { token: s.token }), 'verify')
const retention = (projectId: string, tail = '') => `/api/admin/projects/${projectId}/retention${tail}`

/** Some audited admin actions to tamper with: retention policy changes on a fresh project. */
async function auditedChanges(n: number): Promise<string> {
  const owner = await signUp('Owner', adminA.base)
  const { projectId } = await setupConversation(owner, [])
  for (let i = 1; i <= n; i++) must(await api(adminA.base, 'PUT', retention(projectId), { token: adminA.token, body: { days: i, keepPinned: true } }), 'put')
  return projectId
}

type AuditRow = { id: string, chain_seq: string, details: unknown }
const entriesOf = (projectId: string) =>
  sql<AuditRow[]>`select id, chain_seq, details from audit_log where target_id = ${projectId} order by chain_seq`

describe('the audit hash chain on Postgres', () => {
  it('keeps one gap-free chain while admins act at once on both instances', async () => {
    const owner = await signUp('Owner', adminA.base)
    const { projectId } = await setupConversation(owner, [])
    const before = await verify()
    expect(before.ok).toBe(true)
    // 30 policy changes in parallel, half through each instance: every append races for the tail.
    await Promise.all(Array.from({ length: 30 }, (_, i) => {
      const s = i % 2 ? adminB : adminA
      return api(s.base, 'PUT', retention(projectId), { token: s.token, body: { days: i + 1, keepPinned: i % 3 === 0 } }).then(r => must(r, 'put'))
    }))
    const rows = await entriesOf(projectId)
    expect(rows).toHaveLength(30)
    const after = await verify(adminB)
    expect(after).toMatchObject({ ok: true, brokenAt: null })
    expect(after.checked).toBeGreaterThanOrEqual(before.checked + 30)
    // Positions are unique and contiguous over the whole log.
    const [stats] = await sql<{ n: string, lo: string, hi: string, distinct: string }[]>`
      select count(*) n, min(chain_seq) lo, max(chain_seq) hi, count(distinct chain_seq) distinct from audit_log`
    expect(Number(stats!.n)).toBe(Number(stats!.distinct))
    expect(Number(stats!.hi) - Number(stats!.lo) + 1).toBe(Number(stats!.n))
  })

  it('names exactly the altered row when one entry is changed in SQL, and is intact again once it is put back', async () => {
    const projectId = await auditedChanges(3)
    expect((await verify()).ok).toBe(true)
    const [, middle] = await entriesOf(projectId)
    await sql`update audit_log set details = ${sql.json({ before: { days: 1 }, after: { days: 999 } })} where id = ${middle!.id}`
    expect(await verify()).toMatchObject({ ok: false, brokenAt: middle!.id })
    await sql`update audit_log set details = ${sql.json(middle!.details as never)} where id = ${middle!.id}`
    expect((await verify()).ok).toBe(true)

    // Other fields are covered too: the actor, and the time.
    await sql`update audit_log set actor_id = ${randomUUID()} where id = ${middle!.id}`
    expect(await verify(adminB)).toMatchObject({ ok: false, brokenAt: middle!.id })
    await sql`update audit_log set actor_id = ${adminA.user.id} where id = ${middle!.id}`
    await sql`update audit_log set created_at = created_at + interval '1 millisecond' where id = ${middle!.id}`
    expect(await verify()).toMatchObject({ ok: false, brokenAt: middle!.id })
    await sql`update audit_log set created_at = created_at - interval '1 millisecond' where id = ${middle!.id}`
    expect((await verify()).ok).toBe(true)
  })

  it('names the row after the gap when one entry is deleted in SQL', async () => {
    const projectId = await auditedChanges(3)
    const [, middle, last] = await entriesOf(projectId)
    const [copy] = await sql`select * from audit_log where id = ${middle!.id}`
    await sql`delete from audit_log where id = ${middle!.id}`
    const broken = await verify()
    expect(broken).toMatchObject({ ok: false, brokenAt: last!.id })
    await sql`insert into audit_log ${sql(copy!)}`
    expect((await verify()).ok).toBe(true)
  })

  it('cannot see a cut tail from the chain alone, but the head it reports moves', async () => {
    await auditedChanges(1)
    const before = await verify()
    const [tail] = await sql`select * from audit_log order by chain_seq desc limit 1`
    await sql`delete from audit_log where id = ${tail!.id}`
    const cut = await verify()
    expect(cut).toMatchObject({ ok: true, checked: before.checked - 1 })
    expect(cut.head).not.toEqual(before.head)
    await sql`insert into audit_log ${sql(tail!)}`
    expect(await verify()).toEqual(before)
  })
})

describe('entries from before the chain', () => {
  it('join the chain once, oldest first, and verify passes again', async () => {
    // Written as the earlier schema did: no position, no hash, a database time with microseconds.
    const ids = [randomUUID(), randomUUID()]
    await sql`insert into audit_log (id, actor_id, action, target_type, target_id, details, created_at) values
      (${ids[0]!}, ${adminA.user.id}, 'participant.add', 'conversation', ${randomUUID()}, ${sql.json({ userId: randomUUID(), role: 'member' })}, now() - interval '2 days'),
      (${ids[1]!}, null, 'participant.remove', 'conversation', ${randomUUID()}, '{}', now() - interval '1 day')`
    expect(await verify()).toMatchObject({ ok: false, brokenAt: ids[0] })

    const db = drizzle(sql, { schema }) as unknown as Db
    expect(await chainUnchainedAudit(db)).toBe(2)
    expect(await chainUnchainedAudit(db)).toBe(0)
    const rows = await sql<{ id: string, chain_seq: string }[]>`select id, chain_seq from audit_log where id in ${sql(ids)} order by chain_seq`
    expect(rows.map(r => r.id)).toEqual(ids)
    expect(Number(rows[1]!.chain_seq)).toBe(Number(rows[0]!.chain_seq) + 1)
    expect(await verify()).toMatchObject({ ok: true, brokenAt: null })
  })
})

describe('retention on Postgres', () => {
  /**
   * A project whose conversation has old messages (backdated in SQL), one of them pinned and two
   * with files (an image with its thumbnail, and a text file), plus fresh ones.
   */
  async function seeded() {
    const { A, B } = instances()
    const owner = await signUp('Owner', A)
    const member = await signUp('Member', B)
    const { projectId, conversation } = await setupConversation(owner, [member], `ret-${randomUUID().slice(0, 6)}`, A)
    const socket = await connect(owner, { base: A })
    const old: Message[] = []
    for (let i = 0; i < 6; i++) old.push(await sendOk(socket, conversation.id, `old ${i}, "quoted"`))
    const image = (await upload(owner, conversation.id, png(64, 48), 'photo.png', 'image/png')).body.attachment
    const text = (await upload(owner, conversation.id, 'hello, file', 'notes.txt', 'text/plain')).body.attachment
    const withFiles = must(await api<{ message: Message }>(A, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: owner.token, body: { clientId: randomUUID(), content: 'old with files', attachmentIds: [image.id, text.id] }
    }), 'send with files').message
    old.push(withFiles)
    const pinned = old[0]!
    must(await api(A, 'POST', `/api/messages/${pinned.id}/pin`, { token: owner.token }), 'pin')
    const fresh = await sendOk(socket, conversation.id, 'fresh')
    await sql`update messages set created_at = now() - interval '40 days' where id in ${sql(old.map(m => m.id))}`
    return { owner, member, projectId, conversation, old, pinned, withFiles, fresh }
  }

  const candidates = (projectId: string, days: number, keepPinned: boolean) => sql<{ id: string }[]>`
    select m.id from messages m join conversations c on c.id = m.conversation_id
    where c.project_id = ${projectId} and m.deleted_at is null and m.retention_restored_at is null
      and m.created_at < now() - make_interval(days => ${days}) and (${!keepPinned} or m.pinned_at is null)`

  it('previews exactly what the run then deletes, hides it from members live and through sync', async () => {
    const { A, B } = instances()
    const s = await seeded()
    const expected = await candidates(s.projectId, 30, true)
    expect(expected).toHaveLength(s.old.length - 1)

    const preview = must(await api<RetentionPreview>(A, 'POST', retention(s.projectId, '/preview'), { token: adminA.token, body: { days: 30, keepPinned: true } }), 'preview')
    expect(preview).toEqual({ messages: s.old.length - 1, files: 2 })
    const withPinned = must(await api<RetentionPreview>(B, 'POST', retention(s.projectId, '/preview'), { token: adminB.token, body: { days: 30, keepPinned: false } }), 'preview')
    expect(withPinned).toEqual({ messages: s.old.length, files: 2 })
    // Nothing changed by previewing.
    expect(await candidates(s.projectId, 30, false)).toHaveLength(s.old.length)

    const memberSocket = await connect(s.member, { base: B })
    const deletions = collect<MessageDeletedPayload>(memberSocket, 'message:deleted')
    const cursor = Math.max(...s.old.map(m => m.updatedSeq), s.fresh.updatedSeq)

    must(await api(A, 'PUT', retention(s.projectId), { token: adminA.token, body: { days: 30, keepPinned: true } }), 'put')
    const run = must(await api<RetentionRunResult>(B, 'POST', retention(s.projectId, '/run'), { token: adminB.token }), 'run')
    expect(run).toEqual({ messages: preview.messages, files: preview.files, purgedMessages: 0, purgedFiles: 0 })

    const marked = await sql<{ id: string }[]>`select id from messages where retention_deleted_at is not null and id in ${sql(s.old.map(m => m.id))}`
    expect(marked.map(r => r.id).sort()).toEqual(expected.map(r => r.id).sort())

    // Members: gone from history (kept in place, blank), delivered live and through sync.
    const seen = await history(B, s.member, s.conversation.id)
    for (const m of seen) {
      const hidden = expected.some(e => e.id === m.id)
      expect(m.deletedAt !== null, m.content).toBe(hidden)
      if (hidden) expect(m.content).toBe('')
    }
    expect(seen.find(m => m.id === s.pinned.id)?.content).toBe(s.pinned.content)
    expect(seen.find(m => m.id === s.fresh.id)?.deletedAt).toBeNull()
    await until(() => deletions.items.length >= expected.length, 5000, 'message:deleted for each')
    expect(deletions.items.map(d => d.messageId).sort()).toEqual(expected.map(r => r.id).sort())
    const synced = await syncAll(memberSocket, s.conversation.id, cursor)
    expect(synced.messages.filter(m => m.deletedAt).map(m => m.id).sort()).toEqual(expected.map(r => r.id).sort())
    // The files are not served any more.
    const file = await fetch(`${B}/api/attachments/${s.withFiles.attachments[0]!.id}`, { headers: { authorization: `Bearer ${s.member.token}` } })
    expect(file.status).not.toBe(200)

    const audit = await sql<{ action: string, actor_id: string | null, details: { messages: number, files: number } }[]>`
      select action, actor_id, details from audit_log where target_id = ${s.projectId} and action = 'retention.run'`
    expect(audit.map(a => [a.actor_id, a.details.messages, a.details.files])).toEqual([[adminB.user.id, expected.length, 2]])
    // A second run finds nothing more.
    expect(must(await api<RetentionRunResult>(A, 'POST', retention(s.projectId, '/run'), { token: adminA.token }), 'again').messages).toBe(0)
  })

  it('restores within the window: members get the messages back, and later runs leave them alone', async () => {
    const { A, B } = instances()
    const s = await seeded()
    must(await api(A, 'PUT', retention(s.projectId), { token: adminA.token, body: { days: 30, keepPinned: false } }), 'put')
    must(await api(A, 'POST', retention(s.projectId, '/run'), { token: adminA.token }), 'run')
    const listed = must(await api<{ messages: { id: string }[], total: number }>(B, 'GET', retention(s.projectId, '/deleted'), { token: adminB.token }), 'deleted')
    expect(listed.total).toBe(s.old.length)

    const memberSocket = await connect(s.member, { base: B })
    const updates = collect<{ message: Message }>(memberSocket, 'message:updated')
    const one = s.old[2]!
    expect(must(await api(B, 'POST', retention(s.projectId, '/restore'), { token: adminB.token, body: { ids: [one.id] } }), 'restore one')).toEqual({ restored: 1 })
    await until(() => updates.items.some(u => u.message.id === one.id), 5000, 'message:updated for the restored message')
    expect(updates.items.find(u => u.message.id === one.id)!.message).toMatchObject({ content: one.content, deletedAt: null })
    let seen = await history(A, s.member, s.conversation.id)
    expect(seen.find(m => m.id === one.id)).toMatchObject({ content: one.content, deletedAt: null })

    // The rest, by date range (the files come back with their message).
    const from = new Date(Date.now() - 41 * 86_400_000).toISOString()
    const to = new Date(Date.now() - 39 * 86_400_000).toISOString()
    expect(must(await api(A, 'POST', retention(s.projectId, '/restore'), { token: adminA.token, body: { from, to } }), 'restore range')).toEqual({ restored: s.old.length - 1 })
    seen = await history(B, s.member, s.conversation.id)
    for (const m of s.old) expect(seen.find(x => x.id === m.id)).toMatchObject({ content: m.content, deletedAt: null })
    expect(seen.find(m => m.id === s.withFiles.id)?.attachments).toHaveLength(2)

    // Restored by an admin: the policy does not take them again, and the preview agrees.
    expect(must(await api<RetentionPreview>(A, 'POST', retention(s.projectId, '/preview'), { token: adminA.token, body: { days: 30, keepPinned: false } }), 'preview')).toEqual({ messages: 0, files: 0 })
    expect(must(await api<RetentionRunResult>(B, 'POST', retention(s.projectId, '/run'), { token: adminB.token }), 'run').messages).toBe(0)
    const audit = await sql<{ action: string }[]>`select action from audit_log where target_id = ${s.projectId} and action = 'retention.restore'`
    expect(audit).toHaveLength(2)
  })

  it('purges for good, with files and thumbnails, once the window has passed; nothing is restorable after', async () => {
    const { A } = instances()
    const s = await seeded()
    must(await api(A, 'PUT', retention(s.projectId), { token: adminA.token, body: { days: 30, keepPinned: true } }), 'put')
    const run = must(await api<RetentionRunResult>(A, 'POST', retention(s.projectId, '/run'), { token: adminA.token }), 'run')
    const files = await sql<{ storage_key: string, thumbnail_key: string | null }[]>`select storage_key, thumbnail_key from attachments where message_id = ${s.withFiles.id}`
    expect(files).toHaveLength(2)
    const keys = files.flatMap(f => [f.storage_key, ...(f.thumbnail_key ? [f.thumbnail_key] : [])])
    expect(keys).toHaveLength(3) // the image's thumbnail too
    const uploads = join(inject('services').dataDir, 'uploads')
    for (const key of keys) expect(existsSync(join(uploads, key)), key).toBe(true)

    // Still inside the window: nothing purged.
    expect(must(await api<RetentionRunResult>(A, 'POST', retention(s.projectId, '/run'), { token: adminA.token }), 'early').purgedMessages).toBe(0)

    await sql`update messages set retention_deleted_at = now() - interval '31 days' where retention_deleted_at is not null and id in ${sql(s.old.map(m => m.id))}`
    const purge = must(await api<RetentionRunResult>(A, 'POST', retention(s.projectId, '/run'), { token: adminA.token }), 'purge')
    expect(purge).toMatchObject({ purgedMessages: run.messages, purgedFiles: 2 })
    const left = await sql<{ id: string }[]>`select id from messages where id in ${sql(s.old.map(m => m.id))}`
    expect(left.map(r => r.id)).toEqual([s.pinned.id])
    expect(await sql`select id from attachments where message_id = ${s.withFiles.id} or id in ${sql(s.withFiles.attachments.map(a => a.id))}`).toHaveLength(0)
    for (const key of keys) expect(existsSync(join(uploads, key)), key).toBe(false)
    expect(must(await api(A, 'POST', retention(s.projectId, '/restore'), { token: adminA.token, body: {} }), 'restore')).toEqual({ restored: 0 })
    const [purged] = await sql<{ details: { messages: number, files: number } }[]>`select details from audit_log where target_id = ${s.projectId} and action = 'retention.purge'`
    expect(purged!.details).toEqual({ messages: run.messages, files: 2 })
    expect((await verify()).ok).toBe(true)
  })
})
