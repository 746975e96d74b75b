#!/usr/bin/env node
// Audit verify and retention at scale, against a running server on Postgres. Seeds with SQL:
// AUDIT_ROWS legacy audit entries (chained by the server at its start, so seed before starting
// it: SEED_ONLY=1), then MESSAGES old messages with FILES attachment rows in a fresh project,
// and times verify, preview, run (retention-delete), restore and purge through the admin API.
//
//   DATABASE_URL=postgres://chat:chat@127.0.0.1:54329/chat_audit SEED_ONLY=1 AUDIT_ROWS=100000 node bench/audit-retention-scale.mjs
//   (start the server on that database, then)
//   BASE=http://127.0.0.1:4601 DATABASE_URL=… MESSAGES=20000 node bench/audit-retention-scale.mjs
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { logInAccount } from '../test/support/client.mjs'

const sql = postgres(process.env.DATABASE_URL, { max: 2, onnotice: () => {} })
const AUDIT_ROWS = Number(process.env.AUDIT_ROWS ?? 0)
const MESSAGES = Number(process.env.MESSAGES ?? 20_000)
const FILES = Number(process.env.FILES ?? Math.round(MESSAGES / 50))

if (process.env.SEED_ONLY) {
  const started = performance.now()
  for (let done = 0; done < AUDIT_ROWS; done += 10_000) {
    const n = Math.min(10_000, AUDIT_ROWS - done)
    await sql`insert into audit_log (actor_id, action, target_type, target_id, details, created_at)
      select null, 'bench.seed', 'bench', i::text, jsonb_build_object('i', i, 'before', jsonb_build_object('x', i), 'after', jsonb_build_object('x', i + 1)),
        now() - make_interval(secs => ${AUDIT_ROWS} - i) from generate_series(${done + 1}::int, ${done + n}::int) i`
  }
  console.log(`seeded ${AUDIT_ROWS} unchained audit rows in ${Math.round(performance.now() - started)} ms`)
  await sql.end()
  process.exit(0)
}

const base = process.env.BASE
const admin = await logInAccount(base, 'admin@example.com', 'password')
async function call(method, path, body) {
  const started = performance.now()
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${admin.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
  const json = await res.json()
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return { json, ms: Math.round(performance.now() - started) }
}

const verify = await call('GET', '/api/admin/audit/verify')
console.log(`verify: ${verify.json.checked} entries in ${verify.ms} ms (${Math.round(verify.json.checked / (verify.ms / 1000))} entries/s), ok=${verify.json.ok}`)

const { project } = (await call('POST', '/api/projects', { name: `bench-retention-${randomUUID().slice(0, 6)}` })).json
const [conversation] = await sql`select id from conversations where project_id = ${project.id} limit 1`
const started = performance.now()
await sql.begin(async (tx) => {
  const [{ last_seq: last }] = await tx`update conversations set last_seq = last_seq + ${MESSAGES} where id = ${conversation.id} returning last_seq`
  const first = Number(last) - MESSAGES + 1
  await tx`insert into messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html, created_at)
    select ${conversation.id}, s, s, gen_random_uuid(), ${admin.user.id}, 'old message ' || s, '<p>old message ' || s || '</p>', now() - interval '60 days'
    from generate_series(${first}::bigint, ${Number(last)}::bigint) s`
  await tx`insert into attachments (conversation_id, message_id, uploader_id, file_name, mime_type, size_bytes, storage_key)
    select ${conversation.id}, m.id, ${admin.user.id}, 'f.txt', 'text/plain', 1, ${conversation.id} || '/' || m.id || '/f.txt'
    from (select id from messages where conversation_id = ${conversation.id} order by seq limit ${FILES}) m`
})
console.log(`seeded ${MESSAGES} messages and ${FILES} files in ${Math.round(performance.now() - started)} ms`)

const preview = await call('POST', `/api/admin/projects/${project.id}/retention/preview`, { days: 30, keepPinned: true })
console.log(`preview: ${JSON.stringify(preview.json)} in ${preview.ms} ms`)
await call('PUT', `/api/admin/projects/${project.id}/retention`, { days: 30, keepPinned: true })
const run = await call('POST', `/api/admin/projects/${project.id}/retention/run`)
console.log(`run: ${JSON.stringify(run.json)} in ${run.ms} ms (${Math.round(run.json.messages / (run.ms / 1000))} messages/s)`)
const restore = await call('POST', `/api/admin/projects/${project.id}/retention/restore`, {})
console.log(`restore: ${JSON.stringify(restore.json)} in ${restore.ms} ms`)
await sql`update messages set retention_restored_at = null where conversation_id = ${conversation.id}`
await call('POST', `/api/admin/projects/${project.id}/retention/run`)
await sql`update messages set retention_deleted_at = now() - interval '31 days' where conversation_id = ${conversation.id} and retention_deleted_at is not null`
const purge = await call('POST', `/api/admin/projects/${project.id}/retention/run`)
console.log(`purge: ${JSON.stringify(purge.json)} in ${purge.ms} ms`)
const after = await call('GET', '/api/admin/audit/verify')
console.log(`verify after: ${after.json.checked} entries in ${after.ms} ms, ok=${after.json.ok}`)
await sql.end()
