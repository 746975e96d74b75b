// Part 4: a database of N messages (default 1,000,000) seeded in SQL with generate_series — one big
// conversation (80 %) plus many small ones (20 %) — then
//   history: GET /api/conversations/:id/messages?limit=50&beforeSeq=… over HTTP, random cursors
//            in the big conversation, one request at a time (latency, not throughput)
//   search:  full-text queries on messages.search (GIN over the generated tsvector), measured
//            with EXPLAIN ANALYZE in SQL — GET /api/search is not built yet.
import { randomUUID } from 'node:crypto'
import { cpuMeter, insertSessions, load, log, median, pct, signToken, sql } from './common.mjs'

// A vocabulary of pseudo-words (no English stopwords) with a Zipf-like frequency, so search terms
// range from "in most messages" to "in a handful".
function vocabulary(size) {
  const syl = ['ka', 'lo', 'mir', 'tesh', 'vun', 'dra', 'pel', 'son', 'quix', 'bar', 'nel', 'tor', 'fim', 'gal', 'zu', 'hep', 'ros', 'wen', 'cly', 'dom']
  const words = []
  let i = 0
  while (words.length < size) {
    const a = syl[i % 20]; const b = syl[Math.floor(i / 20) % 20]; const c = syl[Math.floor(i / 400) % 20]
    words.push(i < 400 ? `${a}${b}x` : `${a}${b}${c}q`)
    i++
  }
  return words
}

function rng(seed) {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const SENTENCES = 4000
const VOCAB = 3000

function sentences() {
  const words = vocabulary(VOCAB)
  const weights = words.map((_, r) => 1 / (r + 8))
  const total = weights.reduce((a, b) => a + b, 0)
  const cdf = []
  let acc = 0
  for (const w of weights) cdf.push(acc += w / total)
  const rand = rng(42)
  const pick = () => {
    const x = rand()
    let lo = 0; let hi = cdf.length - 1
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < x) lo = mid + 1; else hi = mid }
    return words[lo]
  }
  const out = []
  for (let n = 0; n < SENTENCES; n++) {
    const len = 4 + Math.floor(rand() * 22)
    out.push({ n, text: Array.from({ length: len }, pick).join(' ') })
  }
  return { words, rows: out }
}

/** Seeds `total` messages; returns the reader's token, the big conversation and search terms. */
export async function seedMillion({ total }) {
  const db = sql({ max: 1 })
  const t0 = performance.now()
  const bigCount = Math.round(total * 0.8)
  const smallCount = Math.max(1, Math.round((total - bigCount) / 100))
  const perSmall = Math.round((total - bigCount) / smallCount)
  const users = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), email: `hist-${randomUUID().slice(0, 8)}-${i}@bench.local`, displayName: `History ${i}` }))
  const projectId = randomUUID()
  const bigId = randomUUID()
  const { words, rows } = sentences()
  await db.unsafe('set maintenance_work_mem = \'512MB\'')
  // Exactly `total` messages: the rows the other parts wrote (pgbench, fan-out) go first.
  await db.unsafe('truncate messages cascade')
  await db.begin(async (tx) => {
    await tx`insert into profiles ${tx(users.map(u => ({ id: u.id, email: u.email, display_name: u.displayName })))}`
    await insertSessions(tx, users)
    await tx`insert into projects (id, name) values (${projectId}, 'bench-history')`
    await tx`insert into project_members ${tx(users.map(u => ({ project_id: projectId, user_id: u.id })))}`
    await tx`insert into conversations (id, project_id, type, title) values (${bigId}, ${projectId}, 'group', 'bench-big')`
    await tx`insert into conversation_participants ${tx(users.map((u, i) => ({ conversation_id: bigId, user_id: u.id, role: i ? 'member' : 'owner' })))}`
    await tx.unsafe('drop table if exists bench_sentences, bench_small, bench_seed_users')
    await tx.unsafe('create unlogged table bench_sentences (n int primary key, text text not null)')
    await tx`insert into bench_sentences ${tx(rows)}`
    await tx.unsafe('create unlogged table bench_seed_users (n int primary key, id uuid not null)')
    await tx`insert into bench_seed_users ${tx(users.map((u, n) => ({ n, id: u.id })))}`
    await tx.unsafe(`create unlogged table bench_small as select n, gen_random_uuid() as id from generate_series(0, ${smallCount - 1}) n`)
    await tx.unsafe(`insert into conversations (id, project_id, type, title, last_seq)
      select id, '${projectId}', 'group', 'bench-small-' || n, ${perSmall} from bench_small`)
    // The reader (user 0) is in every 10th small conversation; every small one has two members.
    await tx.unsafe(`insert into conversation_participants (conversation_id, user_id)
      select s.id, u.id from bench_small s join bench_seed_users u on u.n = case when s.n % 10 = 0 then 0 else 1 + s.n % 19 end
      union all
      select s.id, u.id from bench_small s join bench_seed_users u on u.n = 1 + (s.n + 1) % 19`)
  })
  const tSetup = performance.now()
  // Secondary indexes are dropped for the bulk insert and rebuilt afterwards (much faster than
  // maintaining five of them, GIN included, row by row).
  const indexes = await db`select indexname, indexdef from pg_indexes where tablename = 'messages' and indexname <> 'messages_pkey'`
  for (const ix of indexes) await db.unsafe(`drop index ${ix.indexname}`)
  await db.unsafe(`insert into messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html, created_at)
    select '${bigId}', g, g, gen_random_uuid(), u.id, s.text, '<p>' || s.text || '</p>', now() - make_interval(secs => ${bigCount} - g)
    from generate_series(1, ${bigCount}) g
    join bench_sentences s on s.n = g % ${SENTENCES}
    join bench_seed_users u on u.n = g % 20`)
  await db.unsafe(`insert into messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html, created_at)
    select c.id, g, g, gen_random_uuid(), u.id, s.text, '<p>' || s.text || '</p>', now() - make_interval(secs => (${smallCount} - c.n) * 60 + ${perSmall} - g)
    from bench_small c cross join generate_series(1, ${perSmall}) g
    join bench_sentences s on s.n = (c.n * 7 + g * 13) % ${SENTENCES}
    join bench_seed_users u on u.n = (c.n + g) % 20`)
  const tInsert = performance.now()
  for (const ix of indexes) await db.unsafe(ix.indexdef)
  const tIndex = performance.now()
  // The schema's indexes must all be back (the GIN index above all): a search figure without it is meaningless.
  const now = (await db`select indexname from pg_indexes where tablename = 'messages'`).map(r => r.indexname)
  const expected = ['messages_pkey', 'messages_conversation_seq_idx', 'messages_sender_client_idx', 'messages_conversation_updated_seq_idx', 'messages_thread_root_idx', 'messages_search_idx']
  const missing = expected.filter(n => !now.includes(n))
  if (missing.length) throw new Error(`indexes missing after the seed: ${missing.join(', ')} (dropped and rebuilt: ${indexes.map(i => i.indexname).join(', ')})`)
  await db`update conversations set last_seq = ${bigCount}, last_message_at = now() where id = ${bigId}`
  await db.unsafe('vacuum analyze messages')
  await db.unsafe('analyze conversations; analyze conversation_participants')
  const tDone = performance.now()
  const [{ count }] = await db`select count(*)::int as count from messages`
  await db.end({ timeout: 5 })
  const seconds = { setup: (tSetup - t0) / 1000, insert: (tInsert - tSetup) / 1000, indexes: (tIndex - tInsert) / 1000, vacuumAnalyze: (tDone - tIndex) / 1000, total: (tDone - t0) / 1000 }
  log(`  seeded ${bigCount} + ${smallCount}×${perSmall} messages (table now ${count}) in ${seconds.total.toFixed(1)} s (insert ${seconds.insert.toFixed(1)}, indexes ${seconds.indexes.toFixed(1)}, vacuum/analyze ${seconds.vacuumAnalyze.toFixed(1)})`)
  return { reader: users[0], readerToken: await signToken(users[0]), bigId, bigCount, smallCount, perSmall, tableRows: count, seconds, words }
}

/** Sequential history requests at random cursors; one latency sample per request. */
async function historyPass({ url, token, bigId, bigCount, requests }) {
  const lat = []
  let failures = 0
  for (let i = 0; i < requests; i++) {
    const beforeSeq = 51 + Math.floor(Math.random() * (bigCount - 50))
    const t0 = performance.now()
    const res = await fetch(`${url}/api/conversations/${bigId}/messages?limit=50&beforeSeq=${beforeSeq}`, { headers: { authorization: `Bearer ${token}` } })
    const body = await res.json()
    const ms = performance.now() - t0
    if (res.status !== 200 || body.messages?.length !== 50 || body.messages[49].seq !== beforeSeq - 1) failures++
    else lat.push(ms)
  }
  return { p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: pct(lat, 100), ok: lat.length, failures }
}

/** The main query of listHistory (server/services/messages/messages.ts → loadMessages), in SQL with EXPLAIN ANALYZE. */
async function historySqlPass(db, { bigId, bigCount, samples }) {
  const times = []
  for (let i = 0; i < samples; i++) {
    const beforeSeq = 51 + Math.floor(Math.random() * (bigCount - 50))
    const [row] = await db.unsafe(`explain (analyze, format json)
      select m.*, p.id, p.display_name, p.avatar_url from messages m join profiles p on p.id = m.sender_id
      where m.conversation_id = $1 and m.seq < $2 order by m.seq desc limit 51`, [bigId, beforeSeq])
    const plan = row['QUERY PLAN'][0]
    times.push(plan['Planning Time'] + plan['Execution Time'])
  }
  return { p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) }
}

/** Search terms by document frequency, measured on the sentence table (every sentence is used equally often). */
async function pickTerms(db) {
  const stats = await db.unsafe(`select word, ndoc from ts_stat('select to_tsvector(''english'', text) from bench_sentences') order by ndoc desc`)
  const byRank = stats.map(s => s.word)
  const at = r => byRank[Math.min(byRank.length - 1, r)]
  const frac = r => stats[Math.min(stats.length - 1, r)].ndoc / 4000
  const singles = [0, 2, 5, 10, 30, 80, 200, 500, 1000, 1800].map(r => ({ q: at(r), kind: 'word', fraction: frac(r) }))
  const pairs = [[0, 1], [2, 5], [5, 20], [10, 40], [30, 100], [80, 300], [200, 600], [500, 900]].map(([a, b]) => ({ q: `${at(a)} ${at(b)}`, kind: 'two words', fraction: NaN }))
  const phrases = [[0, 1], [3, 4], [20, 30], [100, 150]].map(([a, b]) => ({ q: `"${at(a)} ${at(b)}"`, kind: 'phrase', fraction: NaN }))
  const none = [{ q: 'zzzznotaword', kind: 'no match', fraction: 0 }, { q: `${at(1500)} ${at(1700)} ${at(1900)}`, kind: 'three rare', fraction: NaN }]
  return [...singles, ...pairs, ...phrases, ...none]
}

// Query shapes a /api/search endpoint would run (scope: the conversations the caller is in).
const SEARCH_SQL = {
  newest20: `select m.id, m.conversation_id, m.seq, m.created_at,
      ts_headline('english', m.content, q, 'MaxFragments=1,MaxWords=12,MinWords=4') as highlight
    from (select m.*, q from messages m, websearch_to_tsquery('english', $1) q
          where m.search @@ q and m.deleted_at is null
            and m.conversation_id in (select conversation_id from conversation_participants where user_id = $2)
          order by m.created_at desc limit 20) m`,
  rank20: `select m.id, m.conversation_id, m.seq, ts_rank(m.search, q) as rank
    from messages m, websearch_to_tsquery('english', $1) q
    where m.search @@ q and m.deleted_at is null
      and m.conversation_id in (select conversation_id from conversation_participants where user_id = $2)
    order by rank desc limit 20`,
  total: `select count(*) from messages m, websearch_to_tsquery('english', $1) q
    where m.search @@ q and m.deleted_at is null
      and m.conversation_id in (select conversation_id from conversation_participants where user_id = $2)`
}

// Candidate fixes, measured on the same data: a capped count ("1000+") instead of an exact total,
// and the newest-20 query with a btree index on created_at (built inside a transaction that is
// rolled back, so the schema stays as the migrations made it).
const FIX_SQL = {
  totalCapped1000: `select count(*) from (select 1 from messages m, websearch_to_tsquery('english', $1) q
    where m.search @@ q and m.deleted_at is null
      and m.conversation_id in (select conversation_id from conversation_participants where user_id = $2) limit 1001) x`,
  newest20WithCreatedAtIndex: SEARCH_SQL.newest20
}

async function searchPass(db, { terms, readerId, shapes = SEARCH_SQL }) {
  const out = {}
  for (const [shape, text] of Object.entries(shapes)) {
    const times = []
    const perTerm = []
    for (const t of terms) {
      const [row] = await db.unsafe(`explain (analyze, format json) ${text}`, [t.q, readerId])
      const plan = row['QUERY PLAN'][0]
      const ms = plan['Planning Time'] + plan['Execution Time']
      times.push(ms)
      perTerm.push({ q: t.q, kind: t.kind, fraction: t.fraction, ms, rows: plan.Plan['Actual Rows'] })
    }
    out[shape] = { p50: pct(times, 50), p95: pct(times, 95), max: pct(times, 100), perTerm }
  }
  return out
}

export async function historySuite({ server, seeded, requests, reps, searchReps }) {
  const db = sql({ max: 1 })
  const token = seeded.readerToken
  // Warm-up: JIT, pool, and the pages of the indexes.
  await historyPass({ url: server.url, token, bigId: seeded.bigId, bigCount: seeded.bigCount, requests: 50 })
  const runs = []
  for (let rep = 0; rep < reps; rep++) {
    const loadBefore = load()
    const meter = cpuMeter({ server: server.pid, client: process.pid })
    const http = await historyPass({ url: server.url, token, bigId: seeded.bigId, bigCount: seeded.bigCount, requests })
    const cpu = meter()
    http.othersCores = cpu.othersCores
    http.serverCpuMsPerReq = cpu.server / requests
    const sqlTimes = await historySqlPass(db, { bigId: seeded.bigId, bigCount: seeded.bigCount, samples: Math.min(100, requests) })
    runs.push({ rep, loadBefore, http, sql: sqlTimes })
    log(`  rep ${rep + 1} history HTTP p50/p95/p99 ${http.p50.toFixed(1)}/${http.p95.toFixed(1)}/${http.p99.toFixed(1)} ms (${http.failures} failed, other processes ${http.othersCores.toFixed(2)} cores), main query SQL p50/p99 ${sqlTimes.p50.toFixed(2)}/${sqlTimes.p99.toFixed(2)} ms, load ${loadBefore[0]}`)
  }
  const terms = await pickTerms(db)
  const searchRuns = []
  await searchPass(db, { terms, readerId: seeded.reader.id }) // warm-up
  for (let rep = 0; rep < searchReps; rep++) {
    const loadBefore = load()
    const r = await searchPass(db, { terms, readerId: seeded.reader.id })
    searchRuns.push({ rep, loadBefore, ...r })
    log(`  rep ${rep + 1} search (${terms.length} queries) ${Object.entries(r).map(([k, v]) => `${k} p50/p95 ${v.p50.toFixed(1)}/${v.p95.toFixed(1)} ms`).join(', ')}, load ${loadBefore[0]}`)
  }
  // The fixes: one pass for warm-up, then reps, all inside one rolled-back transaction.
  const fixRuns = []
  await db.begin(async (tx) => {
    await tx.unsafe('create index bench_tmp_created_at_idx on messages (created_at desc)')
    await tx.unsafe('analyze messages')
    await searchPass(tx, { terms, readerId: seeded.reader.id, shapes: FIX_SQL })
    for (let rep = 0; rep < searchReps; rep++) {
      const r = await searchPass(tx, { terms, readerId: seeded.reader.id, shapes: FIX_SQL })
      fixRuns.push(r)
      log(`  rep ${rep + 1} search fixes ${Object.entries(r).map(([k, v]) => `${k} p50/p95 ${v.p50.toFixed(1)}/${v.p95.toFixed(1)} ms`).join(', ')}`)
    }
    throw new Error('bench-rollback') // postgres.js rolls back: no index left behind
  }).catch((e) => { if (e.message !== 'bench-rollback') throw e })
  await db.unsafe('analyze messages')
  await db.end({ timeout: 5 })
  const med = (xs, k) => median(xs.map(k))
  return {
    requests, reps,
    history: {
      p50: med(runs, r => r.http.p50), p95: med(runs, r => r.http.p95), p99: med(runs, r => r.http.p99),
      sqlP50: med(runs, r => r.sql.p50), sqlP99: med(runs, r => r.sql.p99),
      failures: runs.reduce((n, r) => n + r.http.failures, 0), load: med(runs, r => r.loadBefore[0]),
      othersCores: med(runs, r => r.http.othersCores), serverCpuMsPerReq: med(runs, r => r.http.serverCpuMsPerReq)
    },
    search: Object.fromEntries(Object.keys(SEARCH_SQL).map(shape => [shape, {
      p50: med(searchRuns, r => r[shape].p50), p95: med(searchRuns, r => r[shape].p95), max: med(searchRuns, r => r[shape].max),
      queries: terms.length, load: med(searchRuns, r => r.loadBefore[0])
    }])),
    searchFixes: Object.fromEntries(Object.keys(FIX_SQL).map(shape => [shape, {
      p50: med(fixRuns, r => r[shape].p50), p95: med(fixRuns, r => r[shape].p95), max: med(fixRuns, r => r[shape].max), queries: terms.length
    }])),
    terms,
    runs,
    searchRuns,
    fixRuns
  }
}
