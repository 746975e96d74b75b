import { randomUUID } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import postgres from 'postgres'
import type { ExportJob } from '#shared/export-schemas'
import { startInstance } from '../support/instance.mjs'
import { api, logIn, must, setupConversation, signUp, sleep, type Session } from '../support/helpers'
import { instances } from './helpers'

async function waitDone(base: string, admin: Session, id: string): Promise<ExportJob> {
  for (let i = 0; i < 200; i++) {
    const { export: job } = must(await api<{ export: ExportJob }>(base, 'GET', `/api/admin/exports/${id}`, { token: admin.token }), 'poll export')
    if (job.status === 'done' || job.status === 'failed') return job
    await sleep(100)
  }
  throw new Error(`export ${id} did not finish`)
}

async function text(base: string, token: string, path: string) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.text() }
}

const messagesOf = (ndjson: string) => ndjson.trimEnd().split('\n').slice(1)

describe('project exports on BullMQ across two instances', () => {
  it('each export runs exactly once, and its file downloads from the other instance', { timeout: 90_000 }, async () => {
    const { A, B } = instances()
    const [adminA, adminB] = await Promise.all([logIn('admin@example.com', 'password', A), logIn('admin@example.com', 'password', B)])
    const owner = await signUp('Exporter', A)
    const { projectId, conversation } = await setupConversation(owner, [], `export-${randomUUID().slice(0, 6)}`)
    for (let i = 0; i < 30; i++) {
      must(await api(A, 'POST', `/api/conversations/${conversation.id}/messages`, { token: owner.token, body: { clientId: randomUUID(), content: `line ${i}, "quoted"\nnext` } }), 'send')
    }

    // Several at once from both instances, so both workers compete for them.
    const created = await Promise.all([A, B, A, B].map((base, i) => api<{ export: ExportJob }>(base, 'POST', '/api/admin/exports', {
      token: (base === A ? adminA : adminB).token, body: { scope: { projectId }, format: i % 2 ? 'csv' : 'ndjson' }
    }).then(r => must(r, 'create export').export)))
    const done = await Promise.all(created.map((job, i) => waitDone(i % 2 ? A : B, adminA, job.id)))
    expect(done.map(j => j.status)).toEqual(['done', 'done', 'done', 'done'])

    const { databaseUrl } = inject('services')
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<{ id: string, run_count: number }[]>`select id, run_count from exports where id in ${sql(created.map(j => j.id))}`
      expect(rows.map(r => r.run_count)).toEqual([1, 1, 1, 1])
      const audits = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'export.create' and target_id in ${sql(created.map(j => j.id))}`
      expect(audits[0]!.n).toBe(4)
    } finally {
      await sql.end({ timeout: 5 })
    }

    // Written by whichever instance ran it, served by either one: the file equals a direct export.
    const direct = await text(A, adminA.token, `/api/admin/conversations/${conversation.id}/export?format=ndjson`)
    const own = messagesOf(direct.body).filter(l => l.includes(conversation.id))
    expect(own).toHaveLength(30)
    for (const base of [A, B]) {
      const file = await text(base, adminB.token, done[0]!.downloadUrl!)
      expect(file.status).toBe(200)
      expect(messagesOf(file.body).filter(l => l.includes(conversation.id))).toEqual(own)
    }
    const csv = await text(B, adminB.token, done[1]!.downloadUrl!)
    expect(csv.body.split('\r\n')[0]).toMatch(/^conversation_id,conversation,seq,id,sent_at/)
  })

  it('an instance starting up runs exports left queued and takes over a running one whose worker died', { timeout: 90_000 }, async () => {
    const { A } = instances()
    const admin = await logIn('admin@example.com', 'password', A)
    const owner = await signUp('Recovered', A)
    const { projectId, conversation } = await setupConversation(owner, [], `recover-${randomUUID().slice(0, 6)}`)
    must(await api(A, 'POST', `/api/conversations/${conversation.id}/messages`, { token: owner.token, body: { clientId: randomUUID(), content: 'kept, through a crash' } }), 'send')
    const { databaseUrl, redisUrl, dataDir } = inject('services')
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    const queued = randomUUID()
    const orphaned = randomUUID()
    try {
      // As a restart leaves them: one never handed to a worker, one whose worker stopped beating 5 minutes ago.
      await sql`insert into exports (id, requested_by, scope, format, status, file_name) values
        (${queued}, ${admin.user.id}, ${sql.json({ projectId })}, 'json', 'queued', 'recovered-queued.json'),
        (${orphaned}, ${admin.user.id}, ${sql.json({ conversationId: conversation.id })}, 'csv', 'running', 'recovered-running.csv')`
      await sql`update exports set run_count = 1, started_at = now() - interval '6 minutes', updated_at = now() - interval '5 minutes' where id = ${orphaned}`
      const C = await startInstance({ name: 'C', env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, DATA_DIR: dataDir } })
      try {
        const [q, o] = await Promise.all([waitDone(A, admin, queued), waitDone(C.url, admin, orphaned)])
        expect(q).toMatchObject({ status: 'done', rowsDone: 1, rowsTotal: 1 })
        expect(o).toMatchObject({ status: 'done', rowsDone: 1, rowsTotal: 1 })
        const rows = await sql<{ id: string, run_count: number }[]>`select id, run_count from exports where id in (${queued}, ${orphaned}) order by file_name`
        expect(Object.fromEntries(rows.map(r => [r.id, r.run_count]))).toEqual({ [queued]: 1, [orphaned]: 2 })
        const file = await text(A, admin.token, o.downloadUrl!)
        expect(file.body).toContain('kept, through a crash')
      } finally {
        await C.stop()
      }
    } finally {
      await sql.end({ timeout: 5 })
    }
  })
})
