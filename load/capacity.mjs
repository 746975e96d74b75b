#!/usr/bin/env node
// Capacity of one instance: how many members, each doing a realistic mix (reading history pages,
// scrolling back, sending after typing, reacting, changing presence, reconnecting now and then,
// searching), one instance of our server on Postgres + Redis holds inside Mattermost's error budget:
// at most 0.025 % of operations failing on the server's side (HTTP 5xx or no answer, socket acks
// INTERNAL / UNAVAILABLE / none) and every operation's p99 at most 2 s.
//
//   npm run load:capacity                     # full ramp 100 … 3200 members (≤ 15 min)
//   npm run load:capacity -- --quick          # 50, 100, 200 with short windows (≤ 2 min)
//   node load/capacity.mjs --steps 300,600 --window 60 --think 10
//
// Members are added step by step to the same run (sockets stay open, as users keep arriving); each
// step measures a window after the newcomers settled. The ramp ends at the first step outside the
// budget (--bisect 1: then one more step halfway between the last pass and that failure, members
// leaving again). The run stops by itself when the ramp is done or --time-limit would be crossed,
// then audits every delivery (lost 0, duplicates 0, as every load run here). Prints a table per
// step and the verdict, writes test-output/load/capacity-summary.json. Exit code 0 when the smallest
// step passed and nothing was lost or doubled, 1 otherwise, 2 on a setup error.
//
// Needs a build (NUXT_OUTPUT_DIR, default .output-bench) and starts scripts/services-up.sh. Uses its
// own database chat_capacity (BENCH_DATABASE_URL overrides; dropped and re-created) and Redis db 9
// (BENCH_REDIS_URL; flushed).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { capacityOf, DEFAULT_BUDGET, DEFAULT_IDLE, DEFAULT_SEND_TO, DEFAULT_WEIGHTS, evaluateBudget, nextStep, offeredRates } from './lib/mix.mjs'

process.env.BENCH_DATABASE_URL ??= 'postgres://chat:chat@127.0.0.1:54329/chat_capacity'
process.env.BENCH_REDIS_URL ??= 'redis://127.0.0.1:63790/9'
const { ROOT, cpuMeter, ensureBuild, f, load, log, redisPid, resetDatabase, servicesUp, sleep, startChatServer } = await import('../bench/lib/common.mjs')
const { seedCapacity, SEARCH_QUERIES } = await import('./lib/capacity-seed.mjs')
const { MixDriver } = await import('./lib/mix-driver.mjs')
const { scrapeServer } = await import('./lib/server-metrics.mjs')

const { values: a } = parseArgs({
  options: {
    'quick': { type: 'boolean', default: false },
    'steps': { type: 'string' },
    'window': { type: 'string' },
    'settle': { type: 'string' },
    'think': { type: 'string' },
    'bisect': { type: 'string' },
    'time-limit': { type: 'string' },
    'workers': { type: 'string', default: '2' },
    'error-budget': { type: 'string', default: String(DEFAULT_BUDGET.errorRate * 100) },
    'p99': { type: 'string', default: String(DEFAULT_BUDGET.p99Ms) },
    'help': { type: 'boolean', default: false }
  }
})
if (a.help) {
  const header = (await import('node:fs')).readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1).filter(l => l.startsWith('//'))
  console.log(header.map(l => l.replace(/^\/\/ ?/, '')).join('\n'))
  process.exit(0)
}
const quick = a.quick
const pick = (/** @type {string | undefined} */ v, /** @type {string} */ full, /** @type {string} */ short) => Number(v ?? (quick ? short : full))
const opt = {
  steps: (a.steps ?? (quick ? '50,100,200' : '100,200,400,800,1200,1600,2000,2400,3200')).split(',').map(Number).sort((x, y) => x - y),
  windowS: pick(a.window, '40', '15'),
  settleS: pick(a.settle, '10', '4'),
  thinkS: pick(a.think, String(DEFAULT_IDLE.avgMs / 1000), String(DEFAULT_IDLE.avgMs / 1000)),
  bisect: pick(a.bisect, '0', '0'),
  timeLimitS: pick(a['time-limit'], '900', '120'),
  workers: Number(a.workers),
  budget: { errorRate: Number(a['error-budget']) / 100, p99Ms: Number(a.p99), minOps: 1 }
}
const idle = { minMs: Math.min(DEFAULT_IDLE.minMs, opt.thinkS * 1000), avgMs: opt.thinkS * 1000 }
const command = `node load/capacity.mjs ${process.argv.slice(2).join(' ')}`.trim()
const started = Date.now()
const elapsedS = () => (Date.now() - started) / 1000
const ms = (/** @type {number} */ v) => f(v, v < 10 ? 1 : 0)

/** @typedef {Awaited<ReturnType<typeof measureStep>>} Step */

/**
 * Grows to `members`, lets the newcomers settle, measures one window and judges it.
 * @param {InstanceType<typeof MixDriver>} driver @param {{ pid: number }} server @param {number} members
 */
async function measureStep(driver, server, members) {
  const loadBefore = load()
  driver.openWindow()
  const t0 = performance.now()
  const grown = await driver.resize(members)
  const connectS = (performance.now() - t0) / 1000
  await sleep(opt.settleS * 1000)
  const arrival = await driver.closeWindow(0)
  const meter = cpuMeter({ server: server.pid, redis: redisPid() })
  await scrapeServer(server.url)
  driver.openWindow()
  await sleep(opt.windowS * 1000)
  const cpu = meter()
  const serverLag = (await scrapeServer(server.url)).lagMs
  const w = await driver.closeWindow(3000)
  const figures = w.ops.figures()
  const connect = arrival.metrics.trends.connect
  // Sockets of this step's newcomers: a member that could not connect is a failed operation.
  /** @type {Record<string, { n: number, budgetErrors: number, otherErrors: number, p50: number, p99: number }>} */
  const judged = {
    ...figures,
    connect: { n: connect.n + grown.failed, budgetErrors: grown.failed, otherErrors: 0, p50: connect.percentile(50), p99: grown.failed ? Infinity : connect.percentile(99) }
  }
  if (!connect.n && !grown.failed) delete judged.connect
  const verdict = evaluateBudget(judged, opt.budget)
  // A member in the middle of a reconnect counts as connected: a reconnect that gives up is a failed operation already.
  if (w.sessions < members) verdict.crossed.push(`${members - w.sessions} members without a socket at the end of the window`)
  verdict.ok = verdict.crossed.length === 0
  const m = w.metrics
  return {
    members,
    ok: verdict.ok,
    verdict,
    sessions: w.sessions,
    connectS,
    seconds: w.seconds,
    ops: judged,
    opsPerS: verdict.ops / w.seconds,
    sendsPerS: m.counts.sent / w.seconds,
    deliveriesPerS: m.counts.received / w.seconds,
    deliverP99: m.trends.deliver.percentile(99),
    eventsPerS: Object.values(w.events).reduce((n, v) => n + v, m.counts.received) / w.seconds,
    serverCores: cpu.server / cpu.wallMs,
    postgresCores: cpu.postgres / cpu.wallMs,
    redisCores: cpu.redis / cpu.wallMs,
    driverCores: w.driverCpuMs / (w.seconds * 1000),
    othersCores: cpu.othersCores - w.driverCpuMs / cpu.wallMs,
    serverLagP99: serverLag?.p99 ?? NaN,
    driverLagP99: w.driverLagMs.p99,
    loadBefore
  }
}

/** @param {Step} s */
function printStep(s) {
  const lines = [
    '',
    `#### ${s.members} members — ${s.ok ? 'inside the budget' : `OUTSIDE the budget: ${s.verdict.crossed.join('; ')}`}`,
    '',
    '| operation | count | per s | p50 ms | p99 ms | against budget | refused (4xx, contract codes) |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...Object.entries(s.ops).map(([name, o]) => `| ${name} | ${o.n} | ${f(o.n / s.seconds, 1)} | ${ms(o.p50)} | ${ms(o.p99)} | ${o.budgetErrors} | ${o.otherErrors}${'codes' in o && Object.keys(/** @type {any} */ (o).codes).length ? ` ${JSON.stringify(/** @type {any} */ (o).codes)}` : ''} |`),
    '',
    `${s.sessions}/${s.members} sockets; newcomers connected in ${f(s.connectS)} s; ${f(s.opsPerS)} operations/s, ${f(s.sendsPerS)} messages/s, ${f(s.deliveriesPerS, 0)} deliveries/s (send→deliver p99 ${ms(s.deliverP99)} ms), ${f(s.eventsPerS, 0)} events/s received; errors against the budget ${(s.verdict.errorRate * 100).toFixed(3)} %. CPU in cores: server ${f(s.serverCores, 2)}, Postgres ${f(s.postgresCores, 2)}, Redis ${f(s.redisCores, 2)}, load driver ${f(s.driverCores, 2)}, other processes ${f(s.othersCores, 2)}; event-loop delay p99: server ${ms(s.serverLagP99)} ms, driver ${ms(s.driverLagP99)} ms; load average before ${s.loadBefore[0]}.`
  ]
  console.log(lines.join('\n'))
}

async function main() {
  servicesUp()
  ensureBuild()
  await resetDatabase()
  // Production limits, except messages per minute: a member of the mix sends a few per minute at most.
  const server = await startChatServer({ env: { CHAT_RATE_LIMIT_PER_MINUTE: '30' } })
  // Whatever happens, the run ends: past the limit plus time to close, the server is stopped and the run fails.
  const watchdog = setTimeout(() => {
    log(`still running ${opt.timeLimitS + 180} s after start: giving up`)
    void server.stop().finally(() => process.exit(1))
  }, (opt.timeLimitS + 180) * 1000)
  watchdog.unref()
  /** @type {Step[]} */
  const steps = []
  /** @type {Awaited<ReturnType<InstanceType<typeof MixDriver>['finish']>> | undefined} */
  let end
  try {
    const maxMembers = Math.max(...opt.steps)
    log(`seeding ${maxMembers} members (team 15, department 90, project-wide room per 500; 100 messages of history per room)`)
    const fixture = await seedCapacity({ count: maxMembers })
    const rates = offeredRates(1, DEFAULT_WEIGHTS, idle)
    log(`mix per member: one action per ${opt.thinkS} s on average (at least ${idle.minMs / 1000} s apart); ${Object.entries(rates.byAction).map(([k, v]) => `${k} ${(v * 60).toFixed(2)}/min`).join(', ')}`)
    const driver = new MixDriver({
      instances: [server.url],
      projectId: fixture.projectId,
      users: fixture.users,
      mode: 'members',
      behaviour: { weights: { ...DEFAULT_WEIGHTS }, idle, sendTo: { ...DEFAULT_SEND_TO }, composeMs: [2000, 8000], queries: SEARCH_QUERIES, typing: true },
      workers: opt.workers,
      log
    })
    for (let members = nextStep(opt.steps, []); members !== null; members = nextStep(opt.steps, steps, { bisections: opt.bisect })) {
      // A step costs its settle + window + connects (~10 ms each here) + grace; leave time to close and audit.
      const previous = steps.at(-1)?.members ?? 0
      const estimateS = opt.settleS + opt.windowS + 5 + Math.max(0, members - previous) * 0.01
      if (elapsedS() + estimateS + (quick ? 15 : 60) > opt.timeLimitS) {
        log(`stopping before ${members} members: the step would end past --time-limit ${opt.timeLimitS} s`)
        break
      }
      log(`step: ${members} members (${f(offeredRates(members, DEFAULT_WEIGHTS, idle).total)} actions/s offered)`)
      const s = await measureStep(driver, server, members)
      steps.push(s)
      printStep(s)
    }
    log('closing: unacked sends, final sync of every member, audit')
    end = await driver.finish()
  } finally {
    await server.stop()
  }

  const { capacity, firstFailure } = capacityOf(steps)
  const ordered = [...steps].sort((x, y) => x.members - y.members)
  console.log([
    '',
    `### Capacity of one instance, mixed workload (${command})`,
    '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; the load driver runs on the same cores. Budget: errors ≤ ${(opt.budget.errorRate * 100).toFixed(3)} %, p99 of every operation ≤ ${opt.budget.p99Ms} ms. Window ${opt.windowS} s per step after ${opt.settleS} s settling; one action per member every ${opt.thinkS} s on average.`,
    '',
    '| members | ops/s | msgs/s | deliveries/s | errors % | slowest p99 (op) | server cores | driver cores | others cores | verdict |',
    '|---:|---:|---:|---:|---:|---|---:|---:|---:|---|',
    ...ordered.map((s) => {
      const worst = Object.entries(s.ops).filter(([, o]) => o.n > 0).sort(([, x], [, y]) => y.p99 - x.p99)[0]
      return `| ${s.members} | ${f(s.opsPerS)} | ${f(s.sendsPerS)} | ${f(s.deliveriesPerS, 0)} | ${(s.verdict.errorRate * 100).toFixed(3)} | ${worst ? `${ms(worst[1].p99)} (${worst[0]})` : '–'} | ${f(s.serverCores, 2)} | ${f(s.driverCores, 2)} | ${f(s.othersCores, 2)} | ${s.ok ? 'pass' : 'FAIL'} |`
    }),
    '',
    `Lost ${end?.lost ?? '?'}, duplicates ${end?.duplicates ?? '?'} (audit of ${end?.audit.expected ?? 0} deliveries over the whole run), sessions without a final audit ${end?.unaudited ?? '?'}.`,
    capacity === null
      ? `Verdict: even ${ordered[0]?.members ?? opt.steps[0]} members were outside the budget.`
      : `Verdict: **${capacity} members** stay inside the budget${firstFailure ? `; ${firstFailure} do not` : ` (the largest step tried; the limit is higher)`}.`
  ].join('\n'))

  const dir = resolve(ROOT, process.env.LOAD_REPORT_DIR || 'test-output/load')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'capacity-summary.json')
  writeFileSync(file, JSON.stringify({ command, startedAt: new Date(started).toISOString(), seconds: elapsedS(), options: opt, idle, weights: DEFAULT_WEIGHTS, sendTo: DEFAULT_SEND_TO, steps, capacity, firstFailure, lost: end?.lost, duplicates: end?.duplicates, unaudited: end?.unaudited }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2))
  log(`summary: ${file} (${elapsedS().toFixed(0)} s)`)
  return capacity !== null && end?.lost === 0 && end?.duplicates === 0 && end?.unaudited === 0 ? 0 : 1
}

main().then(code => process.exit(code), (error) => {
  log(`setup failed: ${error instanceof Error ? error.stack : error}`)
  process.exit(2)
})
