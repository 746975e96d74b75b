#!/usr/bin/env node
// The benchmark harness (`npm run bench`). Measures side by side in one run, repeats, reports
// medians and ratios, and writes a markdown table to stdout and bench/results/*.json.
//
//   1  fan-out: our full stack vs a bare Socket.IO broadcast server, same load-driver run (rooms of 10–20)
//   2  persisted messages/s through our server vs raw Postgres insert rate (pgbench), same database
//   3  memory per idle authenticated socket (ours and bare)
//   4  history page and GET /api/search latency over HTTP on a 1M-message database
//   5  one instance vs two instances behind the same Redis (the scenario of part 1)
//
// Usage: node bench/run.mjs [--parts 1,2,3,4,5] [--reps 3] [--users 300] [--rate 100[,150]] [--duration 10]
//          [--concurrency 32] [--pool 10] [--persist-seconds 6] [--idle 2000[,10000]]
//          [--messages 1000000] [--history-requests 200] [--history-only] [--profile] [--reuse-seed] [--dry]
//          [--idle-baseline <output dir>]
// --profile: also a CPU profile of the server (.cpuprofile kept in bench/results) for parts 1/5, 2 and 4.
// --idle: counts past one process's open-files limit are spread over several instances (one Redis).
// --idle-baseline: part 3 also measures this second build of ours (e.g. the one before a change), same run.
// --history-only: part 4 measures the history page and skips search.
// --reuse-seed: keep the database (no reset) and part 4's messages when it already holds exactly --messages of them.
// --dry: tiny sizes, one repetition — checks the harness end to end in about two minutes.
// Needs: a build in .output-bench (NUXT_BUILD_DIR=.nuxt-bench NUXT_OUTPUT_DIR=.output-bench npx nuxt build),
// scripts/services-up.sh (run here), pgbench (postgresql-client). The socket load comes from the project's
// Node driver (load/run.mjs); its own CPU per message is reported beside the servers'.
// Uses its own database chat_perf (created if missing, schema dropped and re-created; BENCH_DATABASE_URL
// overrides) and Redis db 7 (flushed; BENCH_REDIS_URL overrides).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  RESULTS_DIR, ensureBuild, f, load, log, resetDatabase, seedFixture, servicesUp, sleep, startChatServer
} from './lib/common.mjs'
import { fanoutSuite, runDriver, writeFixture } from './lib/fanout.mjs'
import { oursClosedLoop, persistSuite } from './lib/persist.mjs'
import { idleSuite } from './lib/idle.mjs'
import { findSeed, historyPass, historySuite, seedMillion } from './lib/history.mjs'
import { summarizeProfile } from './lib/profile.mjs'

const { values: a } = parseArgs({
  options: {
    'parts': { type: 'string', default: '1,2,3,4,5' },
    'reps': { type: 'string' },
    'users': { type: 'string' },
    'rate': { type: 'string' },
    'duration': { type: 'string' },
    'concurrency': { type: 'string' },
    'pool': { type: 'string', default: '10' },
    'persist-seconds': { type: 'string' },
    'idle': { type: 'string' },
    'idle-baseline': { type: 'string' },
    'messages': { type: 'string' },
    'history-requests': { type: 'string' },
    'history-only': { type: 'boolean', default: false },
    'profile': { type: 'boolean', default: false },
    'reuse-seed': { type: 'boolean', default: false },
    'dry': { type: 'boolean', default: false },
    'help': { type: 'boolean', default: false }
  }
})
if (a.help) {
  // The usage is this file's header comment.
  const header = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1).filter(l => l.startsWith('//'))
  console.log(header.map(l => l.replace(/^\/\/ ?/, '')).join('\n'))
  process.exit(0)
}
const dry = a.dry
const pick = (v, full, tiny) => (v !== undefined ? v : dry ? tiny : full)
const opt = {
  parts: new Set(a.parts.split(',').map(Number)),
  reps: Number(pick(a.reps, '3', '1')),
  users: Number(pick(a.users, '300', '40')),
  rates: pick(a.rate, '100', '20').split(',').map(Number),
  durationS: Number(pick(a.duration, '10', '4')),
  concurrency: Number(pick(a.concurrency, '32', '8')),
  pool: Number(a.pool),
  persistS: Number(pick(a['persist-seconds'], '6', '3')),
  idle: pick(a.idle, '2000', '100').split(',').map(Number),
  idleBaseline: a['idle-baseline'],
  messages: Number(pick(a.messages, '1000000', '20000')),
  historyRequests: Number(pick(a['history-requests'], '200', '30')),
  historyOnly: a['history-only'],
  profile: a.profile,
  reuseSeed: a['reuse-seed']
}
const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim()

const started = new Date()
const result = {
  command,
  date: started.toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, node: process.version },
  options: { ...opt, parts: [...opt.parts] },
  loadStart: load()
}
log(`${command}: parts ${[...opt.parts].join(',')}, load ${result.loadStart.join(' ')}`)

ensureBuild()
servicesUp()
// --reuse-seed keeps part 4's million messages from an earlier run (the server still migrates).
if (!opt.reuseSeed) await resetDatabase()
let A = await startChatServer({ env: { DATABASE_POOL_SIZE: String(opt.pool) } })
const fixtureFiles = []
log(`our server at ${A.url} (pid ${A.pid}), migrated`)

/**
 * Runs `drive(server, spawnedAt)` against a second server of ours started with --cpu-prof, and
 * summarises its profile from `skipMs` (which `drive` returns with the run's figures) on. With a
 * name, the profile is kept in bench/results for a closer look in Chrome DevTools or speedscope.
 */
async function profiledRun(keepAs, drive) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'))
  try {
    const spawned = Date.now()
    const P = await startChatServer({ env: { DATABASE_POOL_SIZE: String(opt.pool) }, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] })
    const { skipMs, ...figures } = await drive(P, spawned)
    await P.stop()
    await sleep(500)
    const file = join(dir, readdirSync(dir).find(n => n.endsWith('.cpuprofile')))
    if (keepAs) {
      mkdirSync(RESULTS_DIR, { recursive: true })
      copyFileSync(file, join(RESULTS_DIR, `${keepAs}-${Date.now()}.cpuprofile`))
    }
    return { ...summarizeProfile(file, { skipMs }), ...figures }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

try {
  // One fixture for the socket parts: users in rooms of 10–20, written straight into the database.
  const idleMax = opt.parts.has(3) ? Math.max(...opt.idle) + 20 : 0
  const socketParts = [1, 2, 3, 5].some(n => opt.parts.has(n))
  const fixture = socketParts ? await seedFixture({ users: Math.max(opt.users, opt.concurrency * 20, idleMax) }) : { users: [], rooms: [] }
  const fixturePath = writeFixture(fixture)
  fixtureFiles.push(fixturePath)
  // The fan-out runs use the first `users` members (whole rooms).
  const fanFixture = (() => {
    const rooms = []
    let n = 0
    for (const r of fixture.rooms) { if (n >= opt.users) break; rooms.push(r); n += r.members.length }
    const users = fixture.users.slice(0, n)
    return { users, rooms }
  })()
  const fanPath = writeFixture(fanFixture)
  fixtureFiles.push(fanPath)
  log(`fixture: ${fixture.users.length} users in ${fixture.rooms.length} rooms; fan-out uses ${fanFixture.users.length} in ${fanFixture.rooms.length}`)

  if (opt.parts.has(1) || opt.parts.has(5)) {
    result.fanout = []
    for (const rate of opt.rates) {
      log(`part 1${opt.parts.has(5) ? '+5' : ''}: fan-out at ${rate} msg/s for ${opt.durationS} s × ${opt.reps}`)
      result.fanout.push(await fanoutSuite({ A, fixture: fanFixture, fixturePath: fanPath, rate, durationS: opt.durationS, reps: opt.reps, withTwo: opt.parts.has(5), withBare: opt.parts.has(1) }))
    }
  }

  if (opt.profile && (opt.parts.has(1) || opt.parts.has(5))) {
    const rate = opt.rates[0]
    log(`fan-out profile: a second server with --cpu-prof, the load driver at ${rate} msg/s for ${opt.durationS} s`)
    result.profileFanout = await profiledRun('fanout', async (P, spawned) => {
      const skipMs = Date.now() - spawned + 4000 // start-up and the driver's connect phase
      const r = await runDriver({ instances: [P.url], fixture: fanFixture, rate, durationS: opt.durationS, serverPids: { server: P.pid } })
      return { skipMs, messages: r.sent, perSecond: r.sentPerS, deliveries: r.received }
    })
  }

  if (opt.parts.has(2)) {
    log(`part 2: persisted messages/s, ${opt.concurrency} senders closed loop vs pgbench -c ${opt.pool}, ${opt.persistS} s × ${opt.reps}`)
    result.persist = await persistSuite({ server: A, fixture, concurrency: opt.concurrency, poolSize: opt.pool, seconds: opt.persistS, reps: opt.reps })
    if (opt.profile) {
      log(`part 2 profile: a second server with --cpu-prof, ${opt.concurrency} senders closed loop for ${opt.persistS * 2} s`)
      result.profile = await profiledRun(null, async (P, spawned) => {
        await oursClosedLoop({ server: P, fixture, concurrency: opt.concurrency, seconds: 2 })
        const skipMs = Date.now() - spawned
        const r = await oursClosedLoop({ server: P, fixture, concurrency: opt.concurrency, seconds: opt.persistS * 2 })
        return { skipMs, messages: r.acked, perSecond: r.perSecond }
      })
    }
  }

  if (opt.parts.has(3)) {
    log(`part 3: idle sockets ${opt.idle.join(', ')} × ${opt.reps} (ours and bare)`)
    result.idle = await idleSuite({ fixturePath, counts: opt.idle, reps: opt.reps, baselineOutputDir: opt.idleBaseline })
  }

  if (opt.parts.has(4)) {
    const reused = opt.reuseSeed ? await findSeed({ total: opt.messages }) : null
    if (!reused) log(`part 4: seeding ${opt.messages} messages with generate_series`)
    const seeded = reused ?? await seedMillion({ total: opt.messages })
    // A fresh server process: the history measurements should not inherit the other parts' heap.
    await A.stop()
    A = await startChatServer({ env: { DATABASE_POOL_SIZE: String(opt.pool) } })
    const history = await historySuite({ server: A, seeded, requests: opt.historyRequests, reps: opt.reps, searchReps: opt.historyOnly ? 0 : opt.reps })
    result.history = { seed: { ...seeded, readerToken: undefined, words: undefined, reader: undefined }, ...history }
    if (opt.profile) {
      log(`part 4 profile: a second server with --cpu-prof, ${opt.historyRequests} history requests after 50 to warm up`)
      result.profileHistory = await profiledRun('history', async (P, spawned) => {
        const page = { url: P.url, token: seeded.readerToken, bigId: seeded.bigId, bigCount: seeded.bigCount }
        await historyPass({ ...page, requests: 50 })
        const skipMs = Date.now() - spawned
        const t0 = performance.now()
        const r = await historyPass({ ...page, requests: opt.historyRequests })
        return { skipMs, messages: r.ok, perSecond: r.ok / ((performance.now() - t0) / 1000), unit: 'request' }
      })
    }
  }
} finally {
  await A.stop()
  // The fixtures hold (benchmark-secret) tokens: do not leave them in /tmp.
  for (const file of fixtureFiles) rmSync(dirname(file), { recursive: true, force: true })
}
result.loadEnd = load()
result.seconds = (Date.now() - started.getTime()) / 1000

// ---------------------------------------------------------------------------------------------
const md = []
const p = s => md.push(s)
const ratio = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y !== 0 ? `${(x / y).toFixed(2)}×` : '–')
const loadTxt = v => (Number.isFinite(v) ? v.toFixed(2) : '–')
p(`## Benchmark run ${result.date}`)
p('')
p(`Command: \`${command}\` — ${result.seconds.toFixed(0)} s. Machine: ${result.machine.cpus} cores (${result.machine.model}), ${result.machine.memGiB.toFixed(0)} GiB, Node ${result.machine.node}. Load average (1/5/15 min) at start ${result.loadStart.join(' / ')}, at end ${result.loadEnd.join(' / ')}. Figures are medians of ${opt.reps} repetition(s); every column of a table was measured in the same run, interleaved.`)
for (const fan of result.fanout ?? []) {
  const s = fan.summary
  const cols = ['bare', 'ours1', 'ours2'].filter(k => s[k])
  const name = { bare: 'bare Socket.IO', ours1: 'ours, 1 instance', ours2: 'ours, 2 instances + Redis' }
  p('')
  p(`### Fan-out: ${fan.users} members in ${fan.rooms} rooms of 10–20, ${fan.rate} msg/s offered for ${fan.durationS} s (load driver, load/run.mjs)`)
  p('')
  p(`| | ${cols.map(c => name[c]).join(' | ')} |${s.bare && s.ours1 ? ' ours÷bare |' : ''}${s.ours2 && s.ours1 ? ' 2 inst÷1 inst |' : ''}`)
  p(`|---|${cols.map(() => '---:').join('|')}|${s.bare && s.ours1 ? '---:|' : ''}${s.ours2 && s.ours1 ? '---:|' : ''}`)
  const row = (label, key, d = 1) => p(`| ${label} | ${cols.map(c => f(s[c][key], d)).join(' | ')} |${s.bare && s.ours1 ? ` ${ratio(s.ours1[key], s.bare[key])} |` : ''}${s.ours2 && s.ours1 ? ` ${ratio(s.ours2[key], s.ours1[key])} |` : ''}`)
  row('messages/s acked', 'sentPerS', 0)
  row('deliveries/s (to other members)', 'deliveriesPerS', 0)
  row('send→ack p50 ms', 'ackP50')
  row('send→ack p99 ms', 'ackP99')
  row('send→deliver p50 ms', 'deliverP50')
  row('send→deliver p99 ms', 'deliverP99')
  row('server CPU ms per 1k msgs', 'serverCpuMsPer1kMsgs', 0)
  row('Postgres CPU ms per 1k msgs', 'postgresCpuMsPer1kMsgs', 0)
  row('Redis CPU ms per 1k msgs', 'redisCpuMsPer1kMsgs', 0)
  row('load driver CPU ms per 1k msgs (whole run)', 'driverCpuMsPer1kMsgs', 0)
  row('load driver CPU ms per 1k msgs (load phase)', 'driverLoadCpuMsPer1kMsgs', 0)
  row('load driver CPU µs per delivery (load phase)', 'driverUsPerDelivery', 0)
  p(`| deliveries missing / duplicates (sum) | ${cols.map(c => `${s[c].missing} / ${s[c].duplicates}`).join(' | ')} |${s.bare && s.ours1 ? ' |' : ''}${s.ours2 && s.ours1 ? ' |' : ''}`)
  p(`| error rate | ${cols.map(c => `${f(s[c].errorRate * 100, 2)} %`).join(' | ')} |${s.bare && s.ours1 ? ' |' : ''}${s.ours2 && s.ours1 ? ' |' : ''}`)
  p(`| load average (1 min) before | ${cols.map(c => loadTxt(s[c].load)).join(' | ')} |${s.bare && s.ours1 ? ' |' : ''}${s.ours2 && s.ours1 ? ' |' : ''}`)
  p(`| other processes' CPU during the run, cores | ${cols.map(c => f(s[c].othersCores, 2)).join(' | ')} |${s.bare && s.ours1 ? ' |' : ''}${s.ours2 && s.ours1 ? ' |' : ''}`)
}
if (result.persist) {
  const s = result.persist.summary
  p('')
  p(`### Persisted messages/s: our server (${result.persist.concurrency} senders, closed loop, pool ${result.persist.poolSize}) vs raw Postgres (pgbench -c ${result.persist.poolSize}), ${result.persist.seconds} s each`)
  p('')
  p('| | rows/s | p50 ms | p99 ms | ÷ ours | Postgres CPU ms/row | load before | other processes, cores |')
  p('|---|---:|---:|---:|---:|---:|---:|---:|')
  const label = { 'ours': 'ours: message:send → ack (committed)', 'insert': 'raw: 1 INSERT per transaction', 'tx': 'raw: sendMessage\'s transaction (counter UPDATE + INSERT + read-mark UPDATE)', 'tx×50': 'raw: same transaction, 50 messages per commit' }
  for (const k of Object.keys(s)) p(`| ${label[k]} | ${f(s[k].perSecond, 0)} | ${f(s[k].p50)} | ${f(s[k].p99)} | ${ratio(s[k].perSecond, s.ours.perSecond)} | ${f(s[k].postgresCpuMsPerMsg, 3)} | ${loadTxt(s[k].load)} | ${f(s[k].othersCores, 2)} |`)
  p(`\nOur server: ${f(s.ours.serverCpuMsPerMsg, 2)} ms of server CPU and ${f(s.ours.commitsPerMsg, 1)} Postgres commits (autocommit statements + transactions, pg_stat_database) per persisted message; ${s.ours.errors} errors.`)
}
for (const [key, title] of [['profileFanout', 'fan-out run'], ['profile', 'closed-loop persist run'], ['profileHistory', 'history pages']]) {
  const pr = result[key]
  if (!pr) continue
  const unit = pr.unit ?? 'message'
  p('')
  p(`### Where the server's CPU goes: ${title} (node --cpu-prof, ${pr.messages} ${unit}s at ${f(pr.perSecond, 0)}/s; ${f(pr.busyMs / pr.messages, 2)} ms busy per ${unit})`)
  p('')
  p('| area (self time) | % of busy |')
  p('|---|---:|')
  for (const x of pr.areas.slice(0, 10)) p(`| ${x.area} | ${f(x.pctOfBusy)} |`)
  p('')
  p('| top functions (self time) | % of busy |')
  p('|---|---:|')
  for (const x of pr.functions.slice(0, 12)) p(`| \`${x.fn.replace(/\|/g, '\\|')}\` | ${f(x.pctOfBusy)} |`)
}
if (result.idle) {
  p('')
  p('### Idle authenticated sockets (websocket transport; RSS of the server process)')
  p('')
  p('| | sockets held | instances | RSS before MiB | RSS after MiB | RSS KiB per socket | RSS KiB per socket just after full GC | heap+external KiB per socket (after full GC) | projected RSS at 20,000 (GiB) | connects/s | load before |')
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const idleName = { ours: 'ours', base: `ours, baseline build (${opt.idleBaseline})`, bare: 'bare Socket.IO' }
  for (const v of Object.values(result.idle.summary)) {
    const proj = (v.rssBeforeMiB * 2 ** 20 / v.instances + 20000 * v.bytesPerSocket) / 2 ** 30
    p(`| ${idleName[v.kind]} × ${v.count} | ${v.held} | ${v.instances} | ${f(v.rssBeforeMiB, 0)} | ${f(v.rssAfterMiB, 0)} | ${f(v.bytesPerSocket / 1024, 1)} | ${f(v.rssAtGcPerSocket / 1024, 1)} | ${f(v.heapPerSocket / 1024, 1)} | ${f(proj, 2)} | ${f(v.connectPerS, 0)} | ${loadTxt(v.load)} |`)
  }
}
if (result.history) {
  const h = result.history
  p('')
  p(`### History and search at ${h.seed.tableRows.toLocaleString('en')} messages (seeded in ${f(h.seed.seconds.total, 0)} s: insert ${f(h.seed.seconds.insert, 0)}, indexes ${f(h.seed.seconds.indexes, 0)}, vacuum/analyze ${f(h.seed.seconds.vacuumAnalyze, 0)})`)
  p('')
  p('| | p50 ms | p95 ms | p99 ms | load before | other processes, cores |')
  p('|---|---:|---:|---:|---:|---:|')
  p(`| history page over HTTP (GET …/messages?limit=50&beforeSeq=random, ${h.seed.bigCount.toLocaleString('en')}-message conversation, ${h.requests} requests × ${h.reps}, one at a time) | ${f(h.history.p50)} | ${f(h.history.p95)} | ${f(h.history.p99)} | ${loadTxt(h.history.load)} | ${f(h.history.othersCores, 2)} |`)
  p(`| its statement in SQL (history-page.ts, EXPLAIN ANALYZE, planning + execution) | ${f(h.history.sqlP50, 2)} | | ${f(h.history.sqlP99, 2)} | | |`)
  p(`\nServer CPU per history request: ${f(h.history.serverCpuMsPerReq, 2)} ms.`)
  p('')
  if (h.searchRuns.length) {
    const scopeLabel = { all: 'all my conversations', inBig: `in the ${h.seed.bigCount.toLocaleString('en')}-message conversation`, inSmall: 'in a small conversation' }
    p(`| GET /api/search over HTTP (limit=20, one at a time), ${h.terms.length} queries | p50 ms | p95 ms | max ms | load | other processes, cores |`)
    p('|---|---:|---:|---:|---:|---:|')
    for (const [k, v] of Object.entries(h.search)) p(`| ${scopeLabel[k] ?? k} | ${f(v.p50)} | ${f(v.p95)} | ${f(v.max)} | ${loadTxt(v.load)} | ${f(v.othersCores, 2)} |`)
    p('')
    p('Per query (ms, last repetition; `total` as the API answers it):')
    p('')
    p('| query | kind | in % of messages | all | in big | in small | total (all) |')
    p('|---|---|---:|---:|---:|---:|---:|')
    const last = h.searchRuns.at(-1)
    last.all.perTerm.forEach((t, i) => {
      p(`| \`${t.q}\` | ${t.kind} | ${f(t.fraction * 100, 2)} | ${f(t.ms)} | ${f(last.inBig.perTerm[i].ms)} | ${f(last.inSmall.perTerm[i].ms)} | ${t.total}${t.totalCapped ? '+' : ''} |`)
    })
  }
}
const markdown = md.join('\n')
console.log(markdown)
mkdirSync(RESULTS_DIR, { recursive: true })
const stamp = result.date.replace(/[:.]/g, '-')
const file = join(RESULTS_DIR, `bench-${dry ? 'dry-' : ''}${stamp}.json`)
writeFileSync(file, JSON.stringify({ ...result, markdown }, null, 2))
writeFileSync(join(RESULTS_DIR, dry ? 'latest-dry.md' : 'latest.md'), markdown + '\n')
log(`written ${file}`)
process.exit(0)
