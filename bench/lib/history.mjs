// Part 4: a database of N messages (default 1,000,000) seeded in SQL with generate_series — one big
// conversation (80 %) plus many small ones (20 %) — then
//   history: GET /api/conversations/:id/messages?limit=50&beforeSeq=… over HTTP, random cursors
//            in the big conversation, one request at a time (latency, not throughput)
//   search:  GET /api/search over HTTP, one request at a time: 24 full-text queries (common to
//            rare words, pairs, phrases, no match), partial words and CJK, across the reader's
//            conversations, inside the big conversation and inside a small one
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import { createJiti } from 'jiti'
import { ROOT, cpuMeter, insertSessions, load, log, median, pct, signToken, sql } from './common.mjs'

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
// CJK endings, each in 0.25 % of messages ("東京" is in 7 of them: 1.75 %).
const CJK = ['東京タワーに行きました', '会議は明日の午後です', '東京駅で待ち合わせ', '新しい機能をリリースしました', '데이터베이스 마이그레이션 완료',
  '请检查部署日志', '大阪の天気は晴れ', '東京の会議室を予約', 'バグを修正しました', '性能测试结果很好',
  '来週の予定を確認してください', '检索速度提高了', '서버가 다시 시작되었습니다', '新しいデザイン案', '東京オフィスに到着',
  '数据库索引已重建', '明日は休みです', '検索が速くなりました', '请在周五前回复', '배포가 끝났습니다',
  '資料を共有します', '打ち合わせの議事録', '東京と大阪の売上', '新版本已经上线', '고객 피드백 정리',
  '予算の見直し', '代码审查完成', '東京タワーの写真', '来月の計画', '全文検索のテスト',
  '午後の会議を延期', '东京的天气很好', '번역 작업 진행 중', '出張の報告書', '東京へ出張します',
  '设计稿已更新', '週末の予定', '新しいメンバー', '検索インデックス', '最终版本确认']

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
    const text = Array.from({ length: len }, pick).join(' ')
    // Every 10th sentence ends in CJK text (no spaces between words), for the CJK search queries.
    out.push({ n, text: n % 10 === 0 ? `${text} ${CJK[(n / 10) % CJK.length]}` : text })
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

/**
 * The seed an earlier run left in the database (`--reuse-seed`), or null when it holds no seed of
 * exactly `total` messages; its reader gets a fresh token.
 */
export async function findSeed({ total }) {
  const db = sql({ max: 1 })
  try {
    const [big] = await db`select id, last_seq from conversations where title = 'bench-big'`
    const [{ count }] = await db`select count(*)::int as count from messages`
    if (!big || count !== total) return null
    const [reader] = await db`select p.id, p.email, p.display_name, s.id as session_id from bench_seed_users u
      join profiles p on p.id = u.id join auth_sessions s on s.user_id = p.id where u.n = 0 limit 1`
    const [small] = await db`select count(*)::int as n, max(last_seq)::int as per from conversations where title like 'bench-small-%'`
    const user = { id: reader.id, email: reader.email, displayName: reader.display_name, sessionId: reader.session_id }
    log(`  reusing the seed of an earlier run: ${count} messages`)
    const seconds = { setup: 0, insert: 0, indexes: 0, vacuumAnalyze: 0, total: 0 }
    return { reader: user, readerToken: await signToken(user), bigId: big.id, bigCount: Number(big.last_seq), smallCount: small.n, perSmall: small.per, tableRows: count, seconds, reused: true }
  } catch {
    return null // no schema or no seed tables yet
  } finally {
    await db.end({ timeout: 5 })
  }
}

/** Sequential history requests at random cursors; one latency sample per request. */
export async function historyPass({ url, token, bigId, bigCount, requests }) {
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

/**
 * The statement the page runs (server/services/messages/history-page.ts, gated, as on the primary):
 * its text and parameters as drizzle sends them, caught from drizzle's query log, with the index
 * of the cursor among the parameters.
 */
async function historyStatement(db, { bigId, readerId }) {
  const jiti = createJiti(import.meta.url, { alias: { '#shared': join(ROOT, 'shared') } })
  const { readHistoryPage } = await jiti.import(join(ROOT, 'server/services/messages/history-page.ts'))
  let caught = null
  const logged = drizzle(db, { logger: { logQuery: (text, params) => { caught = { text, params } } } })
  // A cursor no other parameter can equal, to find its place.
  const marker = 987654321
  await readHistoryPage(logged, { actorId: readerId, conversationId: bigId, direction: 'before', cursor: marker, limit: 50, gated: true })
  const cursorAt = caught?.params.indexOf(marker) ?? -1
  if (cursorAt < 0) throw new Error('the history statement was not caught from the query log')
  return { text: caught.text, params: caught.params, cursorAt }
}

/** The page's statement in SQL with EXPLAIN ANALYZE, at random cursors. */
async function historySqlPass(db, statement, { bigCount, samples }) {
  const times = []
  for (let i = 0; i < samples; i++) {
    const beforeSeq = 51 + Math.floor(Math.random() * (bigCount - 50))
    const params = statement.params.with(statement.cursorAt, beforeSeq)
    const [row] = await db.unsafe(`explain (analyze, format json) ${statement.text}`, params)
    const plan = row['QUERY PLAN'][0]
    times.push(plan['Planning Time'] + plan['Execution Time'])
  }
  return { p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) }
}

/** Search terms by document frequency, measured on the sentence table (every sentence is used equally often). */
async function pickTerms(db) {
  // Latin words only: the CJK endings have queries of their own.
  const stats = await db.unsafe(`select word, ndoc from ts_stat('select to_tsvector(''english'', text) from bench_sentences') where word ~ '^[a-z]+$' order by ndoc desc, word`)
  const byRank = stats.map(s => s.word)
  const at = r => byRank[Math.min(byRank.length - 1, r)]
  const frac = r => stats[Math.min(stats.length - 1, r)].ndoc / 4000
  const singles = [0, 2, 5, 10, 30, 80, 200, 500, 1000, 1800].map(r => ({ q: at(r), kind: 'word', fraction: frac(r) }))
  const pairs = [[0, 1], [2, 5], [5, 20], [10, 40], [30, 100], [80, 300], [200, 600], [500, 900]].map(([a, b]) => ({ q: `${at(a)} ${at(b)}`, kind: 'two words', fraction: NaN }))
  const phrases = [[0, 1], [3, 4], [20, 30], [100, 150]].map(([a, b]) => ({ q: `"${at(a)} ${at(b)}"`, kind: 'phrase', fraction: NaN }))
  const none = [{ q: 'zzzznotaword', kind: 'no match', fraction: 0 }, { q: `${at(1500)} ${at(1700)} ${at(1900)}`, kind: 'three rare', fraction: NaN }]
  return [...singles, ...pairs, ...phrases, ...none]
}

/** Parts of words (prefixes and infixes of 3–5 letters, common to rare) and CJK text, which full text cannot match. */
function partialAndCjkTerms(terms) {
  const words = terms.filter(t => t.kind === 'word').map(t => t.q)
  const partial = [words[0].slice(0, 3), words[2].slice(1, 4), words[5].slice(0, 4), words[8].slice(1, 5), words[9].slice(0, 5)]
    .map(q => ({ q, kind: 'partial word', fraction: NaN }))
  const cjk = ['東京', 'タワー', '検索', '議事録', '마이그레이션', '不存在的词']
    .map(q => ({ q, kind: 'CJK', fraction: NaN }))
  return [...partial, ...cjk]
}

/**
 * GET /api/search over HTTP, one request at a time, for every query in three scopes: all the
 * reader's conversations, inside the big conversation, inside one small one.
 */
async function searchHttpPass({ url, token, terms, scopes }) {
  const out = {}
  for (const [scope, params] of Object.entries(scopes)) {
    const times = []
    const perTerm = []
    for (const t of terms) {
      const query = new URLSearchParams({ q: t.q, limit: '20', ...params })
      const t0 = performance.now()
      const res = await fetch(`${url}/api/search?${query}`, { headers: { authorization: `Bearer ${token}` } })
      const body = await res.json()
      const ms = performance.now() - t0
      if (res.status !== 200) throw new Error(`search ${scope} "${t.q}": ${res.status} ${JSON.stringify(body).slice(0, 300)}`)
      times.push(ms)
      perTerm.push({ q: t.q, kind: t.kind, fraction: t.fraction, ms, results: body.results.length, total: body.total, totalCapped: body.totalCapped })
    }
    out[scope] = { p50: pct(times, 50), p95: pct(times, 95), max: pct(times, 100), perTerm }
  }
  return out
}

export async function historySuite({ server, seeded, requests, reps, searchReps }) {
  const db = sql({ max: 1 })
  const token = seeded.readerToken
  // Warm-up: JIT, pool, and the pages of the indexes.
  await historyPass({ url: server.url, token, bigId: seeded.bigId, bigCount: seeded.bigCount, requests: 50 })
  const statement = await historyStatement(db, { bigId: seeded.bigId, readerId: seeded.reader.id })
  const runs = []
  for (let rep = 0; rep < reps; rep++) {
    const loadBefore = load()
    const meter = cpuMeter({ server: server.pid, client: process.pid })
    const http = await historyPass({ url: server.url, token, bigId: seeded.bigId, bigCount: seeded.bigCount, requests })
    const cpu = meter()
    http.othersCores = cpu.othersCores
    http.serverCpuMsPerReq = cpu.server / requests
    const sqlTimes = await historySqlPass(db, statement, { bigCount: seeded.bigCount, samples: Math.min(100, requests) })
    runs.push({ rep, loadBefore, http, sql: sqlTimes })
    log(`  rep ${rep + 1} history HTTP p50/p95/p99 ${http.p50.toFixed(1)}/${http.p95.toFixed(1)}/${http.p99.toFixed(1)} ms (${http.failures} failed, other processes ${http.othersCores.toFixed(2)} cores), its statement in SQL p50/p99 ${sqlTimes.p50.toFixed(2)}/${sqlTimes.p99.toFixed(2)} ms, load ${loadBefore[0]}`)
  }
  // No search repetitions (--history-only): no search queries at all, warm-up included.
  const wordTerms = searchReps ? await pickTerms(db) : []
  const terms = searchReps ? [...wordTerms, ...partialAndCjkTerms(wordTerms)] : []
  const [small] = await db`select c.id from conversations c join conversation_participants p on p.conversation_id = c.id
    where p.user_id = ${seeded.reader.id} and c.id <> ${seeded.bigId} order by c.title limit 1`
  const scopes = { all: {}, inBig: { conversationId: seeded.bigId }, inSmall: { conversationId: small.id } }
  const searchRuns = []
  if (searchReps) await searchHttpPass({ url: server.url, token, terms, scopes }) // warm-up
  for (let rep = 0; rep < searchReps; rep++) {
    const loadBefore = load()
    const meter = cpuMeter({ server: server.pid })
    const r = await searchHttpPass({ url: server.url, token, terms, scopes })
    const cpu = meter()
    searchRuns.push({ rep, loadBefore, othersCores: cpu.othersCores, ...r })
    log(`  rep ${rep + 1} search over HTTP (${terms.length} queries × ${Object.keys(scopes).length} scopes) ${Object.entries(r).map(([k, v]) => `${k} p50/p95/max ${v.p50.toFixed(1)}/${v.p95.toFixed(1)}/${v.max.toFixed(1)} ms`).join(', ')}, load ${loadBefore[0]}, other processes ${cpu.othersCores.toFixed(2)} cores`)
  }
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
    search: Object.fromEntries(Object.keys(searchRuns[0] ?? {}).filter(k => !['rep', 'loadBefore', 'othersCores'].includes(k)).map(scope => [scope, {
      p50: med(searchRuns, r => r[scope].p50), p95: med(searchRuns, r => r[scope].p95), max: med(searchRuns, r => r[scope].max),
      queries: terms.length, load: med(searchRuns, r => r.loadBefore[0]), othersCores: med(searchRuns, r => r.othersCores)
    }])),
    terms,
    runs,
    searchRuns
  }
}
