#!/usr/bin/env node
// Analytics at 1,000,000 messages: the built server on Postgres, seeded by bench/lib/history.mjs.
//   cold:  the first GET /api/admin/analytics after seeding (folds all 1,000,000 messages first)
//   warm:  ~20 reads over different ranges (7 to 366 days), median and p95
//   tail:  N new messages committed the way the send path does (seq + last_seq in one transaction),
//          then one year read, which folds them first; the fold cost is that read minus the same
//          read again with nothing left to fold (median of 3).
//   drill: the drill-down endpoints' first page (50 messages) at that size, median of 5.
// Its own database chat_analytics_bench (dropped and re-created; BENCH_DATABASE_URL overrides) and
// Redis db 8. Uses the build in .output (NUXT_OUTPUT_DIR overrides): `npx nuxt build` first.
//   flock /tmp/chat-heavy.lock node bench/analytics-1m.mjs [--messages 1000000] [--reads 20]
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

process.env.BENCH_DATABASE_URL ??= 'postgres://chat:chat@127.0.0.1:54329/chat_analytics_bench'
process.env.BENCH_REDIS_URL ??= 'redis://127.0.0.1:63790/8'
process.env.NUXT_OUTPUT_DIR ??= '.output'
const { RESULTS_DIR, ensureBuild, insertSessions, load, log, median, pct, resetDatabase, servicesUp, signToken, sql, startChatServer } = await import('./lib/common.mjs')
const { seedMillion } = await import('./lib/history.mjs')

const { values: opt } = parseArgs({ options: { messages: { type: 'string', default: '1000000' }, reads: { type: 'string', default: '20' } } })
const total = Number(opt.messages)
const reads = Number(opt.reads)
const day = ms => new Date(ms).toISOString().slice(0, 10)

servicesUp()
ensureBuild()
await resetDatabase()
// The timer fold is off: the cold read must be the one that folds everything.
const server = await startChatServer({ env: { ANALYTICS_FOLD_EVERY_MS: '0' } })
const db = sql({ max: 2 })
try {
  const seeded = await seedMillion({ total })
  const [{ project_id: projectId }] = await db`select project_id from conversations where id = ${seeded.bigId}`
  const admin = { id: randomUUID(), email: `analytics-admin-${randomUUID().slice(0, 8)}@bench.local` }
  await db`insert into profiles (id, email, display_name, role) values (${admin.id}, ${admin.email}, 'Bench admin', 'admin')`
  await insertSessions(db, [admin])
  const token = await signToken(admin)

  async function read(from, to) {
    const t0 = performance.now()
    const res = await fetch(`${server.url}/api/admin/analytics?projectId=${projectId}&from=${from}&to=${to}`, { headers: { authorization: `Bearer ${token}` } })
    const body = await res.json()
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`analytics read failed: ${res.status} ${JSON.stringify(body)}`)
    return { ms, body }
  }

  const now = Date.now()
  const yearAgo = day(now - 365 * 86_400_000)
  const cold = await read(yearAgo, day(now))
  const [{ n: direct }] = await db`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id where c.project_id = ${projectId} and m.type <> 'system'`
  if (cold.body.totalMessages !== direct) throw new Error(`cold read counts ${cold.body.totalMessages}, SQL ${direct}`)
  const [{ hourly, responses }] = await db`select (select count(*) from analytics_hourly)::int as hourly, (select count(*) from analytics_responses)::int as responses`
  log(`  cold read (folds ${direct} messages): ${cold.ms.toFixed(0)} ms; rollup rows: ${hourly} hourly, ${responses} response buckets; load ${load()[0]}`)

  const spans = [7, 30, 90, 366]
  const warm = []
  for (let i = 0; i < reads; i++) {
    const span = spans[i % spans.length]
    const end = now - (i % 5) * 86_400_000
    warm.push((await read(day(end - (span - 1) * 86_400_000), day(end))).ms)
  }
  const warmMedian = median(warm)
  log(`  warm reads (${reads}, 7–366 days): median ${warmMedian.toFixed(1)} ms, p95 ${pct(warm, 95).toFixed(1)} ms`)

  // New messages in the big conversation and in 50 small ones, committed like the send path.
  const tails = []
  for (const n of [100, 1000, 10000]) {
    const samples = []
    for (let rep = 0; rep < 3; rep++) {
      await db.begin(async (tx) => {
        const convs = await tx`select id, last_seq from conversations where project_id = ${projectId} order by last_seq desc limit 51 for update`
        const per = Math.ceil(n / convs.length)
        const users = await tx`select id from profiles where email like 'hist-%' limit 20`
        for (const [ci, c] of convs.entries()) {
          const count = Math.min(per, n - ci * per)
          if (count <= 0) break
          await tx.unsafe(`insert into messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html, created_at)
            select $1, $2::bigint + g, $2::bigint + g, gen_random_uuid(), ($3::uuid[])[1 + (g % 20)], 'tail', '<p>tail</p>', now() - make_interval(secs => $4 - g)
            from generate_series(1, $4::int) g`, [c.id, c.last_seq, users.map(u => u.id), count])
          await tx`update conversations set last_seq = last_seq + ${count} where id = ${c.id}`
        }
      })
      // The read that folds the tail, then the same read with nothing left to fold.
      const withTail = await read(yearAgo, day(now))
      const without = await read(yearAgo, day(now))
      samples.push({ withTail: withTail.ms, without: without.ms, fold: withTail.ms - without.ms })
    }
    const m = { readMs: median(samples.map(s => s.withTail)), sameReadNoTailMs: median(samples.map(s => s.without)), foldMs: median(samples.map(s => s.fold)) }
    tails.push({ n, ...m })
    log(`  year read after ${n} new messages: median ${m.readMs.toFixed(1)} ms, same read with no tail ${m.sameReadNoTailMs.toFixed(1)} ms: fold ≈ ${m.foldMs.toFixed(1)} ms`)
  }
  // Drill-down pages (50 messages, keyset) straight from messages: no rollup behind them.
  async function timed(path) {
    const ms = []
    let rows = 0
    for (let rep = 0; rep < 5; rep++) {
      const t0 = performance.now()
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
      const body = await res.json()
      ms.push(performance.now() - t0)
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
      rows = (body.messages ?? body.conversations).length
    }
    return { median: median(ms), rows }
  }
  const busiest = cold.body.messagesByDay.reduce((a, b) => (b.count > a.count ? b : a))
  const month = `projectId=${projectId}&from=${day(now - 29 * 86_400_000)}&to=${day(now)}`
  const sender = cold.body.topSenders[0].userId
  const drill = {
    dayConversations: await timed(`/api/admin/analytics/conversations?projectId=${projectId}&from=${busiest.day}&to=${busiest.day}`),
    dayMessages: await timed(`/api/admin/analytics/messages?${month}&day=${busiest.day}&conversationId=${seeded.bigId}`),
    conversationMessages: await timed(`/api/admin/analytics/messages?${month}&conversationId=${seeded.bigId}`),
    senderMessages: await timed(`/api/admin/analytics/messages?${month}&senderId=${sender}`),
    heatmapCell: await timed(`/api/admin/analytics/messages?${month}&weekday=${cold.body.heatmap[0].weekday}&hour=${cold.body.heatmap[0].hour}`)
  }
  log(`  drill-down (median of 5): ${Object.entries(drill).map(([k, v]) => `${k} ${v.median.toFixed(1)} ms (${v.rows} rows)`).join(', ')}`)

  const [{ n: after }] = await db`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id where c.project_id = ${projectId} and m.type <> 'system'`
  const last = await read(yearAgo, day(now))
  if (last.body.totalMessages !== after) throw new Error(`final read counts ${last.body.totalMessages}, SQL ${after}`)

  const result = {
    at: new Date().toISOString(), messages: total, seedSeconds: seeded.seconds.total, rollup: { hourly, responses },
    coldMs: cold.ms, warm: { reads, median: warmMedian, p95: pct(warm, 95), max: pct(warm, 100) }, tails, drill, load: load()
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(join(RESULTS_DIR, 'analytics-1m.json'), JSON.stringify(result, null, 2))
  console.log(JSON.stringify(result, null, 2))
} finally {
  await db.end({ timeout: 5 })
  await server.stop()
}
