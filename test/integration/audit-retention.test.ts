import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { parse } from 'csv-parse/sync'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuditLogEntry, AuditVerifyResult } from '#admin-shared/audit-schemas'
import type { AdminProjectRetention, RetentionDeletedMessage, RetentionPolicy } from '#admin-shared/retention-schemas'
import type { Conversation } from '#shared/types'
import { startInstance, type Instance } from '../support/instance.mjs'
import { api, closeAllSockets, connect, instanceOnce, logIn, must, sendOk, setupConversation, signUp, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

type Entries = { entries: AuditLogEntry[], total: number }
const retention = (projectId: string, tail = '') => `/api/admin/projects/${projectId}/retention${tail}`
const audit = (query: Record<string, string>) => `/api/admin/audit?${new URLSearchParams(query)}`

async function download(path: string, token = admin.token) {
  const res = await fetch(admin.base + path, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', text: await res.text() }
}

describe('audit and retention routes are for admins only', () => {
  const routes = (projectId: string): [string, string, unknown?][] => [
    ['GET', '/api/admin/audit'],
    ['GET', '/api/admin/audit?action=user.'],
    ['GET', '/api/admin/audit/verify'],
    ['GET', '/api/admin/audit/export?format=csv'],
    ['GET', '/api/admin/retention'],
    ['GET', retention(projectId)],
    ['PUT', retention(projectId), { days: 1, keepPinned: false }],
    ['POST', retention(projectId, '/preview'), { days: 1, keepPinned: false }],
    ['POST', retention(projectId, '/restore'), {}],
    ['POST', retention(projectId, '/run')],
    ['GET', retention(projectId, '/deleted')],
    ['PUT', retention('not-a-uuid'), { days: 'nonsense' }]
  ]

  it('answers FORBIDDEN to a member on every route, and changes nothing', async () => {
    const member = await signUp('Member')
    const { projectId } = await setupConversation(member, [])
    for (const [method, path, body] of routes(projectId)) {
      const res = await api(member.base, method, path, { token: member.token, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
    }
    const policy = must(await api<{ policy: RetentionPolicy }>(admin.base, 'GET', retention(projectId), { token: admin.token }), 'policy').policy
    expect(policy).toMatchObject({ days: null, keepPinned: true, updatedAt: null })
  })

  it('answers UNAUTHENTICATED without a token on every route', async () => {
    const projectId = randomUUID()
    for (const [method, path, body] of routes(projectId)) {
      const res = await api(admin.base, method, path, { body })
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
    }
  })
})

describe('retention policy', () => {
  it('keeps forever by default, saves a policy, and audits it with before and after', async () => {
    const owner = await signUp('Owner')
    const { projectId } = await setupConversation(owner, [], `ret-${randomUUID().slice(0, 6)}`)
    const initial = must(await api<{ policy: RetentionPolicy }>(admin.base, 'GET', retention(projectId), { token: admin.token }), 'get')
    expect(initial.policy).toEqual({ projectId, days: null, keepPinned: true, updatedAt: null, updatedBy: null })

    const saved = must(await api<{ policy: RetentionPolicy }>(admin.base, 'PUT', retention(projectId), { token: admin.token, body: { days: 30, keepPinned: false } }), 'put')
    expect(saved.policy).toMatchObject({ projectId, days: 30, keepPinned: false, updatedBy: admin.user.id })
    const again = must(await api<{ policy: RetentionPolicy }>(admin.base, 'GET', retention(projectId), { token: admin.token }), 'get again')
    expect(again.policy).toEqual(saved.policy)

    const log = must(await api<Entries>(admin.base, 'GET', audit({ action: 'retention.update', targetId: projectId }), { token: admin.token }), 'audit')
    expect(log.total).toBe(1)
    expect(log.entries[0]).toMatchObject({
      action: 'retention.update', targetType: 'project', targetId: projectId, actor: { id: admin.user.id },
      details: { before: { days: null, keepPinned: true }, after: { days: 30, keepPinned: false } }
    })

    // Back to forever: the list shows it.
    must(await api(admin.base, 'PUT', retention(projectId), { token: admin.token, body: { days: null } }), 'forever')
    const list = must(await api<{ projects: AdminProjectRetention[] }>(admin.base, 'GET', '/api/admin/retention', { token: admin.token }), 'list')
    expect(list.projects.find(p => p.id === projectId)).toMatchObject({ policy: { days: null, keepPinned: true }, restorable: 0 })
  })

  it('refuses invalid policies and unknown projects, and stores nothing', async () => {
    const owner = await signUp('Owner')
    const { projectId } = await setupConversation(owner, [])
    for (const body of [{ days: 0 }, { days: -3 }, { days: 1.5 }, { days: '30' }, { days: 40_000 }, { days: 10, keepPinned: 'yes' }, {}]) {
      for (const path of [retention(projectId), retention(projectId, '/preview')]) {
        const method = path.endsWith('preview') ? 'POST' : 'PUT'
        const res = await api(admin.base, method, path, { token: admin.token, body })
        expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(400)
        expect(res.body).toMatchObject({ error: { code: 'VALIDATION' } })
      }
    }
    const policy = must(await api<{ policy: RetentionPolicy }>(admin.base, 'GET', retention(projectId), { token: admin.token }), 'get').policy
    expect(policy.days).toBeNull()
    expect((await api(admin.base, 'GET', retention(randomUUID()), { token: admin.token })).status).toBe(404)
    expect((await api(admin.base, 'PUT', retention(randomUUID()), { token: admin.token, body: { days: 5 } })).status).toBe(404)
    expect((await api(admin.base, 'GET', retention('nope'), { token: admin.token })).status).toBe(400)
  })

  it('previews nothing for fresh messages, and an admin-started run deletes exactly that and is audited', async () => {
    const owner = await signUp('Owner')
    const { projectId, conversation } = await setupConversation(owner, [])
    const socket = await connect(owner)
    const sent = await sendOk(socket, conversation.id, 'fresh message')

    expect(must(await api(admin.base, 'POST', retention(projectId, '/preview'), { token: admin.token, body: { days: 1, keepPinned: false } }), 'preview'))
      .toEqual({ messages: 0, files: 0 })
    expect(must(await api(admin.base, 'POST', retention(projectId, '/preview'), { token: admin.token, body: { days: null } }), 'preview forever'))
      .toEqual({ messages: 0, files: 0 })

    // Keep forever: nothing to run.
    const refused = await api(admin.base, 'POST', retention(projectId, '/run'), { token: admin.token })
    expect(refused.status).toBe(400)

    must(await api(admin.base, 'PUT', retention(projectId), { token: admin.token, body: { days: 1, keepPinned: false } }), 'put')
    const run = must(await api(admin.base, 'POST', retention(projectId, '/run'), { token: admin.token }), 'run')
    expect(run).toEqual({ messages: 0, files: 0, purgedMessages: 0, purgedFiles: 0 })
    const history = must(await api<{ messages: { id: string, deletedAt: string | null }[] }>(owner.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: owner.token }), 'history')
    expect(history.messages.find(m => m.id === sent.id)?.deletedAt).toBeNull()

    const log = must(await api<Entries>(admin.base, 'GET', audit({ action: 'retention.', targetId: projectId }), { token: admin.token }), 'audit')
    expect(log.entries.map(e => e.action)).toEqual(['retention.run', 'retention.update'])
    expect(log.entries[0]).toMatchObject({ actor: { id: admin.user.id }, details: { days: 1, keepPinned: false, messages: 0, files: 0 } })

    expect(must(await api(admin.base, 'POST', retention(projectId, '/restore'), { token: admin.token, body: {} }), 'restore')).toEqual({ restored: 0 })
    expect(must(await api(admin.base, 'GET', retention(projectId, '/deleted'), { token: admin.token }), 'deleted')).toEqual({ messages: [], total: 0 })
  })
})

describe('audit log', () => {
  /** A project of its own with three audited changes, so the filters have something to find. */
  async function auditedProject() {
    const owner = await signUp('Owner')
    const { projectId } = await setupConversation(owner, [])
    for (const days of [10, 20, 30]) must(await api(admin.base, 'PUT', retention(projectId), { token: admin.token, body: { days, keepPinned: true } }), 'put')
    return projectId
  }

  it('filters by actor, action prefix, target and date, and pages with the total', async () => {
    const projectId = await auditedProject()
    const byTarget = must(await api<Entries>(admin.base, 'GET', audit({ targetType: 'project', targetId: projectId }), { token: admin.token }), 'target')
    expect(byTarget.total).toBe(3)
    // Newest first, each with who, what, the target and the diff.
    expect(byTarget.entries.map(e => (e.details.after as { days: number }).days)).toEqual([30, 20, 10])
    expect(byTarget.entries.every(e => e.actor?.id === admin.user.id && e.hash && e.seq)).toBe(true)
    expect(byTarget.entries[0]!.seq! - byTarget.entries[2]!.seq!).toBeGreaterThanOrEqual(2)

    const page = must(await api<Entries>(admin.base, 'GET', audit({ targetId: projectId, limit: '2', offset: '2' }), { token: admin.token }), 'page')
    expect(page).toMatchObject({ total: 3 })
    expect(page.entries.map(e => e.id)).toEqual([byTarget.entries[2]!.id])

    const prefix = must(await api<Entries>(admin.base, 'GET', audit({ action: 'retention.', targetId: projectId }), { token: admin.token }), 'prefix')
    expect(prefix.total).toBe(3)
    expect(must(await api<Entries>(admin.base, 'GET', audit({ action: 'retention', targetId: projectId }), { token: admin.token }), 'exact').total).toBe(0)
    expect(must(await api<Entries>(admin.base, 'GET', audit({ action: 'user.', targetId: projectId }), { token: admin.token }), 'other prefix').total).toBe(0)

    const byActor = must(await api<Entries>(admin.base, 'GET', audit({ actorId: admin.user.id, targetId: projectId }), { token: admin.token }), 'actor')
    expect(byActor.total).toBe(3)
    expect(must(await api<Entries>(admin.base, 'GET', audit({ actorId: randomUUID(), targetId: projectId }), { token: admin.token }), 'nobody').total).toBe(0)

    const now = Date.now()
    const recent = must(await api<Entries>(admin.base, 'GET', audit({ targetId: projectId, from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() }), { token: admin.token }), 'recent')
    expect(recent.total).toBe(3)
    const future = must(await api<Entries>(admin.base, 'GET', audit({ targetId: projectId, from: new Date(now + 3_600_000).toISOString() }), { token: admin.token }), 'future')
    expect(future.total).toBe(0)

    expect((await api(admin.base, 'GET', audit({ actorId: 'not-a-uuid' }), { token: admin.token })).status).toBe(400)
    expect((await api(admin.base, 'GET', audit({ from: 'yesterday' }), { token: admin.token })).status).toBe(400)
  })

  it('exports the filtered log as CSV and NDJSON that parse back to the entries, and audits the export', async () => {
    const projectId = await auditedProject()
    const listed = must(await api<Entries>(admin.base, 'GET', audit({ targetId: projectId }), { token: admin.token }), 'list').entries.reverse()

    const csv = await download(`/api/admin/audit/export?${new URLSearchParams({ format: 'csv', targetId: projectId })}`)
    expect(csv.status).toBe(200)
    expect(csv.type).toContain('text/csv')
    expect(csv.disposition).toMatch(/attachment; filename="audit-.*\.csv"/)
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[]
    expect(rows.map(r => r.id)).toEqual(listed.map(e => e.id))
    for (const [i, row] of rows.entries()) {
      const e = listed[i]!
      expect(row).toMatchObject({
        seq: String(e.seq), createdAt: e.createdAt, actorId: admin.user.id, actorEmail: 'admin@example.com', action: 'retention.update',
        targetType: 'project', targetId: projectId, hash: e.hash
      })
      expect(JSON.parse(row.before!)).toEqual(e.details.before)
      expect(JSON.parse(row.after!)).toEqual(e.details.after)
    }

    const ndjson = await download(`/api/admin/audit/export?${new URLSearchParams({ format: 'ndjson', targetId: projectId })}`)
    expect(ndjson.type).toContain('application/x-ndjson')
    const lines = ndjson.text.trim().split('\n').map(l => JSON.parse(l) as AuditLogEntry)
    expect(lines).toEqual(listed)

    const exports = must(await api<Entries>(admin.base, 'GET', audit({ action: 'audit.export', actorId: admin.user.id, limit: '2' }), { token: admin.token }), 'exports')
    expect(exports.entries.map(e => e.details)).toEqual([
      { format: 'ndjson', filters: { targetId: projectId } },
      { format: 'csv', filters: { targetId: projectId } }
    ])

    expect((await download('/api/admin/audit/export?format=xml')).status).toBe(400)
  })

  it('verifies an untouched log as intact, every entry checked', async () => {
    await auditedProject()
    const all = must(await api<Entries>(admin.base, 'GET', audit({ limit: '1' }), { token: admin.token }), 'all')
    const result = must(await api<AuditVerifyResult>(admin.base, 'GET', '/api/admin/audit/verify', { token: admin.token }), 'verify')
    expect(result).toEqual({ ok: true, checked: all.total, brokenAt: null, head: { seq: all.entries[0]!.seq, hash: all.entries[0]!.hash } })
  })
})

// The last describe's server and its data dir, booting while the tests before it run.
let dataDir = ''
const restoreListServer = instanceOnce(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chat-retention-title-'))
  return startInstance({ pgliteTemplate: true, env: { DATA_DIR: dataDir } })
}, { early: true })

describe('the restore list names conversations as the other admin screens do', () => {
  // A server of its own: no route makes a message old enough for retention, so the test marks one
  // retention-deleted in the embedded database while that server is stopped.
  let server: Instance
  beforeAll(async () => {
    server = await restoreListServer()
  })
  afterAll(async () => {
    await server?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('labels a direct message after its participants, not by its stored title', async () => {
    const zed = await signUp('Zed Retention', server.url)
    const ann = await signUp('Ann Retention', server.url)
    const { projectId } = await setupConversation(zed, [ann])
    const dm = must(await api<{ conversation: Conversation }>(server.url, 'POST', '/api/dm', { token: zed.token, body: { userId: ann.user.id, projectId } }), 'dm').conversation
    const sent = await sendOk(await connect(zed, { base: server.url }), dm.id, 'said before the policy')

    closeAllSockets()
    await server.stop()
    const db = await PGlite.create(join(dataDir, 'pglite'), { extensions: { pg_trgm } })
    try {
      await db.query('update messages set deleted_at = now(), retention_deleted_at = now() where id = $1', [sent.id])
    } finally {
      await db.close()
    }
    server = await startInstance({ env: { DATA_DIR: dataDir }, port: server.port })

    const admin = await logIn('admin@example.com', 'password', server.url)
    const list = must(await api<{ messages: RetentionDeletedMessage[], total: number }>(server.url, 'GET', retention(projectId, '/deleted'), { token: admin.token }), 'deleted')
    expect(list.messages.map(m => [m.id, m.conversationTitle])).toEqual([[sent.id, 'Ann Retention & Zed Retention']])
  })
})
