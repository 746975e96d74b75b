#!/usr/bin/env node
// The outage check (`npm run load:fault`): two built instances on a PostgreSQL cluster and a Redis
// server of this run's own (load/lib/scratch-services.mjs, free ports: the shared services are
// never touched), a steady send load through the load driver's sessions, then PostgreSQL is
// stopped (`pg_ctl stop -m fast`) for 3 s and started again, then Redis is restarted. It asserts:
//   - while the database is down, sends are answered UNAVAILABLE at once (no INTERNAL, no ack
//     timeout), and /api/health says 503;
//   - each instance acknowledges a send within 1 s of PostgreSQL accepting connections again;
//   - a Redis restart turns no send into an error;
//   - every acknowledged message reaches every member session exactly once (the driver's audit:
//     real-time deliveries plus sync:request, as in load:ci).
// Prints those figures, writes test-output/load/fault-summary.json (and the instances' logs beside
// it), exits 0 when all held, 1 otherwise. Bounded (FAULT_BUDGET_S, default 200 s; a run takes
// about 35 s) and removes everything it started on exit.
//
// Environment: NUXT_OUTPUT_DIR (build to use, default .output; built when missing), FAULT_RATE
// (sends per second, default 30), FAULT_MEMBERS (member sessions, default 20).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { seedLoad } from '../scripts/seed-load.mjs'
import { auditDeliveries } from './lib/audit.mjs'
import { killAll, loadInstanceEnv, startInstance } from './lib/instances.mjs'
import { Metrics } from './lib/metrics.mjs'
import { startScratchPostgres, startScratchRedis, whenPostgresAnswers } from './lib/scratch-services.mjs'
import { Session, sleep, steadySends } from './lib/session.mjs'
import { connect } from './lib/socket-ws.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUTPUT = resolve(ROOT, process.env.NUXT_OUTPUT_DIR || '.output')
const BUDGET_S = Number(process.env.FAULT_BUDGET_S || 200)
const RATE = Number(process.env.FAULT_RATE || 30)
const MEMBERS = Number(process.env.FAULT_MEMBERS || 20)
const DB = 'chat_fault'
/** The issue's hang: a send unanswered this long counts as hung. */
const ACK_TIMEOUT_MS = 3000
const PG_DOWN_MS = 3000
const RECOVERY_BOUND_MS = 1000
const MIX = /** @type {const} */ ([['pair', 0.4], ['team', 0.4], ['dept', 0.2]])

const started = Date.now()
const log = (/** @type {string} */ msg) => console.log(`[load:fault ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`)

/** @type {(() => void)[]} */
const cleanups = []
const cleanup = () => {
  killAll()
  while (cleanups.length) {
    try {
      cleanups.pop()?.()
    } catch (error) {
      console.error(`[load:fault] cleanup: ${/** @type {Error} */ (error).message}`)
    }
  }
}
process.on('exit', cleanup)
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => { cleanup(); process.exit(130) })
setTimeout(() => {
  console.error(`[load:fault] over the ${BUDGET_S} s budget: stopping`)
  cleanup()
  process.exit(1)
}, BUDGET_S * 1000).unref()

/** @param {number[]} values @param {number} p */
function percentile(values, p) {
  if (!values.length) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)])
}

/**
 * Polls each instance every 100 ms until stopped: /api/health, and a member's REST call (its
 * conversations); records status, error code, retryAfterMs and answer time.
 * @param {string[]} urls @param {string} path @param {string} token
 */
function watchInstances(urls, path, token) {
  /** @type {{ url: string, kind: 'health' | 'rest', at: number, status: number, ms: number, code?: string, retryAfterMs?: number }[]} */
  const samples = []
  let on = true
  const poll = async (/** @type {string} */ url, /** @type {'health' | 'rest'} */ kind) => {
    while (on) {
      const t0 = Date.now()
      const res = await fetch(`${url}${kind === 'health' ? '/api/health' : path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) }).catch(() => null)
      const body = res ? await res.json().catch(() => null) : null
      samples.push({ url, kind, at: t0, status: res?.status ?? 0, ms: Date.now() - t0, code: body?.error?.code, retryAfterMs: body?.error?.details?.retryAfterMs })
      await sleep(100 - (Date.now() - t0))
    }
  }
  const loops = urls.flatMap(url => [poll(url, 'health'), poll(url, 'rest')])
  return { samples, stop: async () => { on = false; await Promise.all(loops) } }
}

async function main() {
  if (!existsSync(resolve(OUTPUT, 'server/index.mjs'))) {
    log(`no build in ${OUTPUT}: npm run build`)
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: process.env })
    if (b.status !== 0) throw new Error('build failed')
  }

  const pg = await startScratchPostgres({ log })
  cleanups.push(pg.destroy)
  const redis = await startScratchRedis({ log })
  cleanups.push(redis.destroy)
  const admin = postgres(pg.url('postgres'), { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${DB}`)
  await admin.end({ timeout: 5 })

  const env = { ...loadInstanceEnv(), DATABASE_URL: pg.url(DB), REDIS_URL: redis.url }
  const instance = (/** @type {string} */ name) => startInstance({ name: `fault-${name}`, outputDir: OUTPUT, env, cwd: ROOT, timeoutMs: 60_000, logLimit: 200_000 })
  const a = await instance('a')
  const b = await instance('b')
  const instances = [a.url, b.url]
  log(`instances ${a.url} and ${b.url}`)

  const { fixture } = await seedLoad({ baseUrl: a.url, users: 50, historyHot: 0, historyDept: 0, fixture: 'test-output/load/fault-fixture.json', log: msg => log(`seed: ${msg}`) })

  // The load: member sessions of the driver (same ledger, resend and audit as every load run).
  const metrics = new Metrics(Date.now())
  /** @type {import('./lib/session.mjs').SendReply[]} */
  const replies = []
  const sessions = fixture.users.slice(0, MEMBERS).map((/** @type {any} */ user, /** @type {number} */ i) => new Session({
    label: `member${i}`,
    user,
    password: fixture.password,
    projectId: fixture.projectId,
    instances,
    rooms: Object.values(user.conversations),
    home: i % instances.length,
    metrics,
    connect,
    settings: { ackTimeoutMs: ACK_TIMEOUT_MS, drainMs: 2000, gapGraceMs: 2000, refreshTokens: false, selftestDrop: 0, selftestHide: 0, audit: true },
    log: msg => log(msg),
    onSendReply: reply => replies.push(reply)
  }))
  const opened = await Promise.all(sessions.map(s => s.open()))
  if (!opened.every(Boolean)) throw new Error(`${opened.filter(x => !x).length} sessions did not open`)
  log(`${sessions.length} member sessions connected; sending ${RATE} messages/s`)

  const { sends, stop: stopSending } = steadySends(RATE, () => {
    const s = /** @type {Session} */ (sessions[Math.floor(Math.random() * sessions.length)])
    const rooms = /** @type {Record<string, string>} */ (fixture.users.find((/** @type {any} */ u) => u.id === s.o.user.id).conversations)
    let r = Math.random()
    const room = MIX.find(([, w]) => (r -= w) < 0)?.[0] ?? 'pair'
    return s.send(/** @type {string} */ (rooms[room]))
  })

  await sleep(4000)
  const watch = watchInstances(instances, `/api/projects/${fixture.projectId}/conversations`, fixture.users[MEMBERS].token)
  await sleep(500)

  // PostgreSQL goes away for PG_DOWN_MS.
  const pgStopAt = Date.now()
  log('stopping PostgreSQL (pg_ctl stop -m fast)')
  await pg.stop()
  const pgStoppedAt = Date.now()
  await sleep(PG_DOWN_MS)
  log('starting PostgreSQL')
  const ready = whenPostgresAnswers(pg.url(DB), 30_000)
  await pg.start()
  const pgReadyAt = await ready
  log(`PostgreSQL down ${pgReadyAt - pgStopAt} ms (stop took ${pgStoppedAt - pgStopAt} ms)`)
  await sleep(2000)
  await watch.stop()
  await sleep(3000)

  // Redis restarts.
  const redisStopAt = Date.now()
  log('restarting Redis')
  await redis.stop()
  await sleep(500)
  await redis.start()
  const redisUpAt = Date.now()
  log(`Redis down ${redisUpAt - redisStopAt} ms`)
  await sleep(5000)

  await stopSending()
  log(`load stopped after ${sends.length} sends; waiting for acks, draining, final sync`)
  await Promise.all(sends)
  const members = await Promise.all(sessions.map(s => s.close()))
  const audit = auditDeliveries(sessions.flatMap(s => s.acked), members)

  // The figures.
  const during = (/** @type {number} */ from, /** @type {number} */ to) => replies.filter(r => r.at >= from && r.at <= to)
  const byCode = (/** @type {typeof replies} */ list) => list.reduce((acc, r) => ({ ...acc, [r.code ?? 'ok']: (acc[r.code ?? 'ok'] ?? 0) + 1 }), /** @type {Record<string, number>} */ ({}))
  const unavailable = replies.filter(r => r.code === 'UNAVAILABLE')
  const unexpected = replies.filter(r => r.code !== null && r.code !== 'UNAVAILABLE')
  const unavailableOutside = unavailable.filter(r => r.at < pgStopAt || r.at > pgReadyAt + RECOVERY_BOUND_MS)
  const recovery = Object.fromEntries(instances.map((url) => {
    const first = replies.find(r => r.instance === url && r.code === null && r.at >= pgReadyAt)
    return [url, first ? first.at - pgReadyAt : null]
  }))
  // Once an instance acked again, a send it refuses means a pool connection the restart killed was handed out.
  const staleAfterRecovery = unavailable.filter((r) => {
    const back = recovery[r.instance]
    return back !== null && back !== undefined && r.at > pgReadyAt + back + 50
  })
  // Samples asked after the stop returned and answered before the database was back.
  const whileDown = watch.samples.filter(h => h.at >= pgStoppedAt && h.at + h.ms <= pgReadyAt)
  const healthDown = whileDown.filter(h => h.kind === 'health')
  const restDown = whileDown.filter(h => h.kind === 'rest')
  const healthNoticed = Object.fromEntries(instances.map((url) => {
    const first = watch.samples.find(h => h.kind === 'health' && h.url === url && h.at >= pgStopAt && h.status === 503)
    return [url, first ? first.at + first.ms - pgStopAt : null]
  }))
  const redisWindow = during(redisStopAt, redisUpAt + 2000)
  const counts = metrics.counts
  const summary = {
    sends: sends.length,
    acked: counts.sent,
    repliesByCode: byCode(replies),
    pgOutage: {
      downMs: pgReadyAt - pgStopAt,
      repliesByCode: byCode(during(pgStopAt, pgReadyAt)),
      unavailableAnswerMs: { p50: percentile(unavailable.map(r => r.ms), 50), p95: percentile(unavailable.map(r => r.ms), 95), max: Math.max(0, ...unavailable.map(r => r.ms)) },
      firstAckAfterReadyMs: recovery,
      healthNoticedAfterStopMs: healthNoticed,
      healthWhileDown: { samples: healthDown.length, non503: healthDown.filter(h => h.status !== 503).length, maxMs: Math.max(0, ...healthDown.map(h => h.ms)) },
      restWhileDown: {
        samples: restDown.length,
        notUnavailable: restDown.filter(h => !(h.status === 503 && h.code === 'UNAVAILABLE' && typeof h.retryAfterMs === 'number')).length,
        unavailable: restDown.filter(h => h.code === 'UNAVAILABLE').length,
        maxMs: Math.max(0, ...restDown.map(h => h.ms))
      }
    },
    redisRestart: { downMs: redisUpAt - redisStopAt, repliesByCode: byCode(redisWindow) },
    audit: {
      expected: audit.expected, lost: counts.lost + audit.missing, duplicates: counts.duplicates + audit.duplicateAcks,
      unaudited: members.filter(m => !m.audited).length, examples: audit.examples
    },
    errorsByCode: metrics.errorsByCode
  }

  const checks = [
    ['sends were answered UNAVAILABLE while PostgreSQL was down', unavailable.length > 0, `${unavailable.length}`],
    ['no send answered anything but ok or UNAVAILABLE (no INTERNAL, no ack timeout)', unexpected.length === 0, JSON.stringify(byCode(unexpected))],
    ['UNAVAILABLE only while PostgreSQL was down (+1 s)', unavailableOutside.length === 0, `${unavailableOutside.length}`],
    ['UNAVAILABLE answered at once (p95 < 500 ms, max < 2500 ms)', summary.pgOutage.unavailableAnswerMs.p95 < 500 && summary.pgOutage.unavailableAnswerMs.max < 2500, JSON.stringify(summary.pgOutage.unavailableAnswerMs)],
    [`each instance acked a send within ${RECOVERY_BOUND_MS} ms of PostgreSQL answering again`, Object.values(recovery).every(ms => ms !== null && ms <= RECOVERY_BOUND_MS), JSON.stringify(recovery)],
    ['no send refused after its instance acked again (no dead pool connection handed out)', staleAfterRecovery.length === 0, `${staleAfterRecovery.length}`],
    ['/api/health said 503 within 2 s of the stop, and on every sample while down',
      Object.values(healthNoticed).every(ms => ms !== null && ms <= 2000) && summary.pgOutage.healthWhileDown.non503 === 0,
      `${JSON.stringify(healthNoticed)}, ${JSON.stringify(summary.pgOutage.healthWhileDown)}`],
    ['REST calls answered 503 UNAVAILABLE with retryAfterMs while down, at once (< 2500 ms)',
      summary.pgOutage.restWhileDown.unavailable > 0 && summary.pgOutage.restWhileDown.notUnavailable === 0 && summary.pgOutage.restWhileDown.maxMs < 2500,
      JSON.stringify(summary.pgOutage.restWhileDown)],
    ['sends went on through the Redis restart', (summary.redisRestart.repliesByCode.ok ?? 0) > 0 && redisWindow.every(r => r.code === null), JSON.stringify(summary.redisRestart.repliesByCode)],
    ['lost 0', summary.audit.lost === 0, `${summary.audit.lost}`],
    ['duplicates 0', summary.audit.duplicates === 0, `${summary.audit.duplicates}`],
    ['every send acked and every session audited', counts.sent === sends.length && summary.audit.unaudited === 0, `${counts.sent}/${sends.length} acked, ${summary.audit.unaudited} unaudited`]
  ]
  log(`sends ${sends.length}, acked ${counts.sent}, replies ${JSON.stringify(summary.repliesByCode)}; audited deliveries ${audit.expected}`)
  log(`PostgreSQL outage ${summary.pgOutage.downMs} ms: replies ${JSON.stringify(summary.pgOutage.repliesByCode)}, UNAVAILABLE answered in p50/p95/max ${summary.pgOutage.unavailableAnswerMs.p50}/${summary.pgOutage.unavailableAnswerMs.p95}/${summary.pgOutage.unavailableAnswerMs.max} ms`)
  log(`first ack after PostgreSQL answered again: ${Object.entries(recovery).map(([u, ms]) => `${u} ${ms} ms`).join(', ')}; health 503 after ${Object.values(healthNoticed).join('/')} ms`)
  log(`Redis restart ${summary.redisRestart.downMs} ms: replies ${JSON.stringify(summary.redisRestart.repliesByCode)}`)
  for (const e of audit.examples) log(`  ${e}`)
  for (const [name, ok, value] of checks) log(`${ok ? 'ok     ' : 'FAILED '} ${name} (${value})`)
  console.log(`lost ${summary.audit.lost}`)
  console.log(`duplicates ${summary.audit.duplicates}`)
  mkdirSync(resolve(ROOT, 'test-output/load'), { recursive: true })
  writeFileSync(resolve(ROOT, 'test-output/load/fault-summary.json'), JSON.stringify({ ...summary, checks: checks.map(([name, ok, value]) => ({ name, ok, value })) }, null, 2))

  await Promise.all([a.stop(), b.stop()])
  for (const [name, i] of [['a', a], ['b', b]]) writeFileSync(resolve(ROOT, `test-output/load/fault-server-${name}.log`), /** @type {typeof a} */ (i).output())
  const ok = checks.every(([, pass]) => pass)
  if (!ok) for (const i of [a, b]) console.error(`--- instance ${i.url} output (tail) ---\n${i.output().slice(-3000)}`)
  log(ok ? `passed in ${((Date.now() - started) / 1000).toFixed(0)} s` : 'FAILED')
  return ok ? 0 : 1
}

main().then(code => process.exit(code), (error) => {
  console.error(`[load:fault] ${error instanceof Error ? error.stack : error}`)
  process.exit(1)
})
