#!/usr/bin/env node
// Hot conversation: one conversation of 500 members, every member holding a socket, 20 messages/s
// sent by members of it (each send after typing:start, typing:stop once sent, as the app's composer
// does), presence changes going on meanwhile. One instance of our server on Postgres + Redis
// (scripts/services-up.sh). Prints a markdown table (medians of the measurement windows) and
// writes bench/results/hot-conversation-<time>.json.
//
// Usage: node bench/hot-conversation.mjs [--members 500] [--rate 20] [--presence-rate 1]
//          [--compose 1500-4000] [--duration 20] [--reps 3] [--warmup 5] [--workers 2] [--no-typing] [--nice=-10]
// --rate: messages/s over the whole conversation; --presence-rate: status changes/s (each a random
// member going away or coming back); --compose: ms a member types before the send goes out;
// --duration: seconds of one measurement window, --reps windows in a row on the same sockets.
// --nice: run the server, its Postgres backends, Redis and the driver at this nice value (root), so
// other work on a shared box does not take their turns; the table says which was used.
// Needs a build (NUXT_OUTPUT_DIR, default .output-bench). Uses its own database chat_hot
// (BENCH_DATABASE_URL overrides; dropped and re-created) and Redis db 8 (BENCH_REDIS_URL; flushed).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

process.env.BENCH_DATABASE_URL ??= 'postgres://chat:chat@127.0.0.1:54329/chat_hot'
process.env.BENCH_REDIS_URL ??= 'redis://127.0.0.1:63790/8'
const {
  RESULTS_DIR, benchBackendPids, cpuMeter, ensureBuild, f, load, log, median, redisPid, resetDatabase, seedFixture, servicesUp, sleep, startChatServer
} = await import('./lib/common.mjs')
const { MixDriver } = await import('../load/lib/mix-driver.mjs')
const { scrapeServer, windowPercentileMs } = await import('../load/lib/server-metrics.mjs')
const { reniceAll } = await import('../load/lib/priority.mjs')

const { values: a } = parseArgs({
  options: {
    'members': { type: 'string', default: '500' },
    'rate': { type: 'string', default: '20' },
    'presence-rate': { type: 'string', default: '1' },
    'compose': { type: 'string', default: '1500-4000' },
    'duration': { type: 'string', default: '20' },
    'reps': { type: 'string', default: '3' },
    'warmup': { type: 'string', default: '5' },
    'workers': { type: 'string', default: '2' },
    'no-typing': { type: 'boolean', default: false },
    'nice': { type: 'string' }
  }
})
const opt = {
  members: Number(a.members),
  rate: Number(a.rate),
  presenceRate: Number(a['presence-rate']),
  compose: /** @type {[number, number]} */ (a.compose.split('-').map(Number)),
  durationS: Number(a.duration),
  reps: Number(a.reps),
  warmupS: Number(a.warmup),
  workers: Number(a.workers),
  typing: !a['no-typing'],
  nice: a.nice === undefined ? null : Number(a.nice)
}
const command = `node bench/hot-conversation.mjs ${process.argv.slice(2).join(' ')}`.trim()
const started = new Date()
const loadStart = load()

servicesUp()
ensureBuild()
await resetDatabase()
const server = await startChatServer()
// Whatever happens, the run ends: connects, windows and the final audit take a few minutes at most.
const watchdog = setTimeout(() => {
  log('still running after 15 minutes: giving up')
  void server.stop().finally(() => process.exit(2))
}, 15 * 60_000)
watchdog.unref()
let exitCode
try {
  log(`seeding one conversation of ${opt.members} members`)
  const fixture = await seedFixture({ users: opt.members, minRoom: opt.members, maxRoom: opt.members, prefix: 'hot' })
  const conversationId = fixture.rooms[0].id
  const exp = JSON.parse(Buffer.from(fixture.users[0].token.split('.')[1], 'base64url').toString()).exp
  const users = fixture.users.map((u, n) => ({ n, id: u.id, email: u.email, token: u.token, tokenExp: exp, conversations: { room: conversationId } }))
  const driver = new MixDriver({
    instances: [server.url],
    projectId: fixture.projectId,
    users,
    mode: 'hot',
    behaviour: { weights: {}, idle: { minMs: 0, avgMs: 1 }, sendTo: { room: 1 }, composeMs: opt.typing ? opt.compose : [0, 0], queries: [], typing: opt.typing },
    hot: { conversationId, sendRate: opt.rate, presenceRate: opt.presenceRate },
    workers: opt.workers,
    log
  })
  const t0 = performance.now()
  const grown = await driver.grow(opt.members)
  const connectS = (performance.now() - t0) / 1000
  log(`${grown.sessions}/${opt.members} members connected in ${connectS.toFixed(1)} s (${grown.failed} failed)`)
  driver.run()
  driver.openWindow()
  await sleep(opt.warmupS * 1000)
  await driver.closeWindow(0)

  const reps = []
  for (let rep = 0; rep < opt.reps; rep++) {
    const loadBefore = load()
    if (opt.nice !== null) reniceAll([server.pid, redisPid(), process.pid, ...benchBackendPids()], opt.nice)
    const meter = cpuMeter({ server: server.pid, redis: redisPid(), driver: process.pid })
    const scrapeBefore = await scrapeServer(server.url)
    driver.openWindow()
    await sleep(opt.durationS * 1000)
    const cpu = meter()
    const scrapeAfter = await scrapeServer(server.url)
    const serverLag = scrapeAfter.lagMs
    const w = await driver.closeWindow(3000)
    const s = w.seconds
    const m = w.metrics
    const send = w.ops.figures().send
    const received = w.events
    const eventsIn = m.counts.received + Object.values(received).reduce((n, v) => n + v, 0)
    const r = {
      rep,
      seconds: s,
      sessions: w.sessions,
      sentPerS: m.counts.sent / s,
      deliveriesPerS: m.counts.received / s,
      typingPerS: (received['typing:update'] ?? 0) / s,
      presencePerS: (received['presence:change'] ?? 0) / s,
      eventsInPerS: eventsIn / s,
      ackP50: m.trends.sendAck.percentile(50),
      ackP99: m.trends.sendAck.percentile(99),
      deliverP50: m.trends.deliver.percentile(50),
      deliverP99: m.trends.deliver.percentile(99),
      deliverMax: m.trends.deliver.max,
      sendErrors: send ? send.budgetErrors + send.otherErrors : 0,
      ops: w.ops.figures(),
      serverMsPerMsg: cpu.server / Math.max(1, m.counts.sent),
      serverCores: cpu.server / cpu.wallMs,
      postgresCores: cpu.postgres / cpu.wallMs,
      redisCores: cpu.redis / cpu.wallMs,
      driverCores: w.driverCpuMs / (s * 1000),
      driverProcCores: cpu.driver / cpu.wallMs,
      driverLagP99: w.driverLagMs.p99,
      driverLagMax: w.driverLagMs.max,
      serverLagP99: serverLag?.p99 ?? NaN,
      serverLagMax: serverLag?.max ?? NaN,
      serverEmitP50: windowPercentileMs(scrapeBefore.emit, scrapeAfter.emit, 50),
      serverEmitP99: windowPercentileMs(scrapeBefore.emit, scrapeAfter.emit, 99),
      driverUsPerEvent: (w.driverCpuMs * 1000) / Math.max(1, eventsIn),
      othersCores: cpu.othersCores,
      loadBefore
    }
    reps.push(r)
    log(`window ${rep + 1}: sent ${f(r.sentPerS)}/s, deliveries ${f(r.deliveriesPerS, 0)}/s, typing ${f(r.typingPerS, 0)}/s, presence ${f(r.presencePerS, 0)}/s; send→deliver p50/p99 ${f(r.deliverP50)}/${f(r.deliverP99)} ms; server ${f(r.serverCores, 2)} cores (${f(r.serverMsPerMsg, 2)} ms/msg), driver ${f(r.driverCores, 2)} cores (loop delay p99 ${f(r.driverLagP99)} ms), server loop delay p99 ${f(r.serverLagP99)} ms, server send→emit p99 ≤ ${f(r.serverEmitP99)} ms, postgres ${f(r.postgresCores, 2)}, redis ${f(r.redisCores, 2)}, others ${f(r.othersCores, 2)}`)
  }
  log('closing: unacked sends, final sync of every member, audit')
  const end = await driver.finish()
  const med = (/** @type {string} */ k) => median(reps.map(r => /** @type {any} */ (r)[k]))
  const result = {
    command, started: started.toISOString(), options: opt,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, node: process.version },
    loadStart, loadEnd: load(), connectS, connected: grown.sessions, reps,
    lost: end.lost, duplicates: end.duplicates, unaudited: end.unaudited, auditedDeliveries: end.audit.expected,
    errorsByCode: end.metrics.errorsByCode
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = join(RESULTS_DIR, `hot-conversation-${started.toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(result, null, 2))

  const lines = [
    `### Hot conversation: ${opt.members} members, ${opt.rate} msg/s${opt.typing ? ', typing' : ''}, ${opt.presenceRate} presence changes/s`,
    '',
    `Command: \`${command}\` at ${started.toISOString()}. Machine: ${result.machine.cpus} cores (${result.machine.model}), Node ${process.version}. Load average at start ${loadStart.join(' / ')}, at end ${result.loadEnd.join(' / ')}. ${grown.sessions}/${opt.members} sockets connected in ${connectS.toFixed(1)} s. Medians of ${opt.reps} windows of ${opt.durationS} s on the same sockets (after ${opt.warmupS} s warm-up). ${opt.nice === null ? 'Default scheduling priority.' : `Server, its Postgres backends, Redis and the driver at nice ${opt.nice}.`}`,
    '',
    '| | median | windows |',
    '|---|---:|---|',
    ...[
      ['messages/s acked', 'sentPerS', 1],
      ['message deliveries/s (message:new received)', 'deliveriesPerS', 0],
      ['typing:update received/s', 'typingPerS', 0],
      ['presence:change received/s', 'presencePerS', 0],
      ['all events received by the driver /s', 'eventsInPerS', 0],
      ['send→ack p50 ms', 'ackP50', 1],
      ['send→ack p99 ms', 'ackP99', 1],
      ['send→deliver p50 ms', 'deliverP50', 1],
      ['send→deliver p99 ms', 'deliverP99', 1],
      ['send→deliver max ms', 'deliverMax', 0],
      ['server send→emit p50 ms, at most (its own histogram)', 'serverEmitP50', 1],
      ['server send→emit p99 ms, at most (its own histogram)', 'serverEmitP99', 1],
      ['server CPU ms per message', 'serverMsPerMsg', 2],
      ['server CPU, cores', 'serverCores', 2],
      ['Postgres CPU, cores', 'postgresCores', 2],
      ['Redis CPU, cores', 'redisCores', 2],
      ['load driver CPU, cores (all its threads)', 'driverCores', 2],
      ['load driver CPU, cores, from /proc (cross-check)', 'driverProcCores', 2],
      ['load driver CPU µs per event received', 'driverUsPerEvent', 1],
      ['server event-loop delay p99 ms', 'serverLagP99', 1],
      ['server event-loop delay max ms', 'serverLagMax', 1],
      ['load driver event-loop delay p99 ms (worst thread)', 'driverLagP99', 1],
      ['load driver event-loop delay max ms (worst thread)', 'driverLagMax', 1],
      ['other processes on the machine, cores', 'othersCores', 2]
    ].map(([label, k, d]) => `| ${label} | ${f(med(/** @type {string} */ (k)), /** @type {number} */ (d))} | ${reps.map(r => f(/** @type {any} */ (r)[/** @type {string} */ (k)], /** @type {number} */ (d))).join(' / ')} |`),
    `| lost / duplicates (audit of ${end.audit.expected} deliveries, whole run) | ${end.lost} / ${end.duplicates} | |`,
    `| sessions without a final audit | ${end.unaudited} | |`,
    `| send errors (all windows) | ${reps.reduce((n, r) => n + r.sendErrors, 0)} | ${JSON.stringify(end.metrics.errorsByCode)} |`,
    '',
    `Results: \`${file.slice(file.indexOf('bench/'))}\``
  ]
  console.log(lines.join('\n'))
  const target = med('deliverP99') <= 100 && end.lost === 0 && end.duplicates === 0
  log(target ? 'inside the target (p99 send→deliver ≤ 100 ms, lost 0, duplicates 0)' : 'OUTSIDE the target (p99 send→deliver ≤ 100 ms, lost 0, duplicates 0)')
  exitCode = end.lost === 0 && end.duplicates === 0 ? 0 : 1
} catch (error) {
  log(`failed: ${error instanceof Error ? error.stack : error}`)
  log(`server output:\n${server.output().slice(-3000)}`)
  exitCode = 2
} finally {
  await server.stop()
}
process.exit(exitCode)
