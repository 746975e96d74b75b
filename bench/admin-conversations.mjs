#!/usr/bin/env node
// Conversation manager and admin history latency at scale, on the services Postgres:
//   npm run services:up && npm run build && node bench/admin-conversations.mjs [--conversations 2000] [--messages 1000000]
// Seeds a throw-away database (chat_conv_bench) with SQL, starts one built server on port 4100 (or
// BENCH_PORT) against it, and times each sort of GET /api/admin/conversations and history pages.
import postgres from 'postgres'
import { SUITE_AUTH_LIMITS, startInstance } from '../test/support/instance.mjs'

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}
const CONVERSATIONS = arg('conversations', 2000)
const MESSAGES = arg('messages', 1_000_000)
const REPS = arg('reps', 15)
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://chat:chat@127.0.0.1:54329/chat'
const DB = 'chat_conv_bench'
const DATABASE_URL = ADMIN_URL.replace(/\/[^/]+$/, `/${DB}`)

const adminDb = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
await adminDb.unsafe(`drop database if exists ${DB} with (force)`)
await adminDb.unsafe(`create database ${DB}`)
await adminDb.end()

const server = await startInstance({ name: 'bench-admin', port: Number(process.env.BENCH_PORT ?? 4100), env: { DATABASE_URL, SEED_DEMO: 'true', ...SUITE_AUTH_LIMITS } })
const base = server.url
const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => {} })
try {
  const [admin] = await sql`select id from profiles where email = 'admin@example.com'`
  const started = performance.now()
  const [project] = await sql`insert into projects (name) values ('Bench') returning id`
  await sql`insert into conversations (project_id, type, title, created_at)
    select ${project.id}, 'group', 'bench ' || lpad(g::text, 5, '0'), now() - (g || ' minutes')::interval from generate_series(1, ${CONVERSATIONS}) g`
  const ids = (await sql`select id from conversations where project_id = ${project.id} order by title`).map(r => r.id)
  await sql`insert into conversation_participants (conversation_id, user_id, role) select unnest(${ids}::uuid[]), ${admin.id}, 'owner'`
  // Skewed sizes: conversation i gets a share proportional to 1/i, so sorts by count have real work.
  await sql.unsafe(`
    with c as (select id, row_number() over (order by title) as i from conversations where project_id = '${project.id}'),
    w as (select id, i, (1.0 / i) / sum(1.0 / i) over () as share from c),
    n as (select id, greatest(1, round(share * ${MESSAGES}))::int as count from w)
    insert into messages (conversation_id, seq, updated_seq, client_id, sender_id, type, content, content_html, created_at, deleted_at, deleted_by)
    select n.id, s, s, gen_random_uuid(), '${admin.id}', 'text', 'bench message ' || s, '<p>bench message ' || s || '</p>',
      now() - ((n.count - s) || ' seconds')::interval,
      case when s % 50 = 0 then now() end, case when s % 50 = 0 then '${admin.id}'::uuid end
    from n, generate_series(1, n.count) s`)
  await sql.unsafe(`update conversations c set last_seq = m.mx, last_message_at = m.at from
    (select conversation_id, max(seq) mx, max(created_at) at from messages group by conversation_id) m where m.conversation_id = c.id`)
  await sql.unsafe('analyze')
  const [{ total }] = await sql`select count(*)::int as total from messages`
  console.log(`seeded ${CONVERSATIONS} conversations, ${total} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const login = await fetch(`${base}/api/auth/local/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: 'password' }) })
  const { accessToken } = await login.json()
  const auth = { authorization: `Bearer ${accessToken}` }
  const time = async (path) => {
    const ms = []
    for (let i = 0; i < REPS + 2; i++) {
      const t = performance.now()
      const res = await fetch(`${base}${path}`, { headers: auth })
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
      if (i >= 2) ms.push(performance.now() - t)
    }
    ms.sort((a, b) => a - b)
    return { median: ms[Math.floor(ms.length / 2)], p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)] }
  }
  const rows = []
  for (const sort of ['lastActivity', 'created', 'title', 'messages', 'participants']) {
    for (const order of ['desc', 'asc']) rows.push([`list sort=${sort}&order=${order}`, await time(`/api/admin/conversations?projectId=${project.id}&sort=${sort}&order=${order}&limit=25`)])
  }
  rows.push(['list q=bench 01 (text filter)', await time(`/api/admin/conversations?q=${encodeURIComponent('bench 01')}&limit=25`)])
  rows.push(['list userId filter, page 40', await time(`/api/admin/conversations?userId=${admin.id}&limit=25&offset=1000`)])
  const biggest = ids[0]
  const [{ mx }] = await sql`select max(seq)::int as mx from messages where conversation_id = ${biggest}`
  rows.push([`history newest 50 (largest conversation, ${mx} messages)`, await time(`/api/admin/conversations/${biggest}/messages?limit=50`)])
  rows.push(['history around the middle', await time(`/api/admin/conversations/${biggest}/messages?around=${Math.floor(mx / 2)}&limit=50`)])
  rows.push(['history before seq 100', await time(`/api/admin/conversations/${biggest}/messages?before=100&limit=50`)])
  console.log(`\n| request | median ms | p95 ms |\n|---|---:|---:|`)
  for (const [name, r] of rows) console.log(`| ${name} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} |`)
} finally {
  await sql.end({ timeout: 5 })
  await server.stop()
}
