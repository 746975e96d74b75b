#!/usr/bin/env node
// The chaos run (`npm run load:chaos`, as root): two built instances, each in a network namespace
// of its own (load/lib/netns.mjs), on a PostgreSQL cluster and a Redis server of this run's own
// (load/lib/scratch-services.mjs) that they reach over veths. Clients reach the instances over
// veths too, through a bad network: 5 % packet loss each way (nftables) and 200 ms each way
// (load/lib/delay-proxy.mjs; this kernel has no netem). Member sessions of the load driver (the
// same ledger, gap-fill sync:request, reconnect + sync, resend with the same clientId and
// end-of-run audit as every load run) send steadily to their rooms of 10, half of each room on
// each instance; then instance a is cut from Redis for 10 s (every packet on its Redis veth
// dropped: no RST, no ICMP, its sockets learn nothing) while the load goes on, then healed.
// It fails unless every acknowledged message reached every member of its room exactly once
// (lost 0, duplicates 0), every send was acknowledged and every session audited; it prints those,
// send→deliver p50/p99 (real time or gap-filled) and how long after the heal the last delivery
// outstanding at the heal arrived. Writes test-output/load/chaos-summary.json and the instances'
// logs beside it. Bounded (CHAOS_BUDGET_S), and removes its namespaces, processes and temp dirs on
// exit, on SIGINT/SIGTERM, and at its next start after a crash.
//
// Environment: NUXT_OUTPUT_DIR (build, default .output; built when missing), CHAOS_RATE (sends/s,
// 60), CHAOS_MEMBERS (member sessions, 50: rooms of 10), CHAOS_STEADY_S (load before the cut, 30),
// CHAOS_CUT_S (10), CHAOS_AFTER_S (load after the heal, 20), CHAOS_LOSS (% each way, 5),
// CHAOS_DELAY_MS (each way, 200), CHAOS_CUT (drop: silent partition | down: ip link down),
// CHAOS_BUDGET_S (hard limit, 240).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { seedLoad } from '../scripts/seed-load.mjs'
import { ensureBuilt } from '../test/support/instance.mjs'
import { auditDeliveries } from './lib/audit.mjs'
import { startDelayProxy } from './lib/delay-proxy.mjs'
import { Histogram } from './lib/histogram.mjs'
import { killAll, loadInstanceEnv, startInstance } from './lib/instances.mjs'
import { Metrics } from './lib/metrics.mjs'
import { createLab, labUnavailable, removeStale } from './lib/netns.mjs'
import { destroyScratchPostgres, startScratchPostgres, startScratchRedis } from './lib/scratch-services.mjs'
import { Session, sleep, steadySends } from './lib/session.mjs'
import { connect } from './lib/socket-ws.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUTPUT = resolve(ROOT, process.env.NUXT_OUTPUT_DIR || '.output')
const num = (/** @type {string} */ name, /** @type {number} */ fallback) => Number(process.env[name] || fallback)
const BUDGET_S = num('CHAOS_BUDGET_S', 240)
const RATE = num('CHAOS_RATE', 60)
const MEMBERS = num('CHAOS_MEMBERS', 50)
const STEADY_S = num('CHAOS_STEADY_S', 30)
const CUT_S = num('CHAOS_CUT_S', 10)
const AFTER_S = num('CHAOS_AFTER_S', 20)
const LOSS = num('CHAOS_LOSS', 5)
const DELAY_MS = num('CHAOS_DELAY_MS', 200)
const CUT = process.env.CHAOS_CUT === 'down' ? 'down' : 'drop'
/** How long sends may still be answered once the load stops (three ack timeouts). */
const ACK_WAIT_S = 30
/** Namespaces `chaos-a`, `chaos-b`, veths `chaos0c` …: a killed run's are found by these names. */
const PREFIX = 'chaos'
/** What a killed run leaves outside the namespaces, for the next run to remove. */
const STATE = join(tmpdir(), 'chat-load-chaos.json')
const DB = 'chat_chaos'
const T_RE = /\bt=(\d{13})\b/

const started = Date.now()
const log = (/** @type {string} */ msg) => console.log(`[load:chaos ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`)

/** @typedef {{ redisPid?: number, dirs?: string[], pgDir?: string }} Leftovers */

/** Removes what a previous run recorded and its namespaces (with the instances inside). */
function removeLeftovers() {
  /** @type {Leftovers} */
  let state = {}
  try {
    state = JSON.parse(readFileSync(STATE, 'utf8'))
  } catch {
    // no previous run, or it cleaned up
  }
  const removed = removeStale(PREFIX)
  if (state.redisPid) {
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${state.redisPid}/cmdline`, 'utf8')
      } catch {
        return ''
      }
    })()
    if (cmdline.startsWith('redis-server')) {
      process.kill(state.redisPid, 'SIGKILL')
      removed.push(`redis-server ${state.redisPid}`)
    }
  }
  if (state.pgDir && existsSync(state.pgDir)) {
    destroyScratchPostgres(state.pgDir)
    removed.push(`PostgreSQL ${state.pgDir}`)
  }
  for (const dir of state.dirs ?? []) rmSync(dir, { recursive: true, force: true })
  rmSync(STATE, { force: true })
  return removed
}

/** @type {(() => void)[]} */
const cleanups = []
/** The instances' output, written beside the summary even when the run is cut short. @type {import('../test/support/instance.d.mts').Instance[]} */
const startedInstances = []
const writeLogs = () => {
  mkdirSync(resolve(ROOT, 'test-output/load'), { recursive: true })
  for (const i of startedInstances) writeFileSync(resolve(ROOT, `test-output/load/${i.name}.log`), i.output())
}
let cleaned = false
const cleanup = () => {
  if (cleaned) return
  cleaned = true
  killAll()
  while (cleanups.length) {
    try {
      cleanups.pop()?.()
    } catch (error) {
      console.error(`[load:chaos] cleanup: ${/** @type {Error} */ (error).message}`)
    }
  }
  removeLeftovers()
}
process.on('exit', cleanup)
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => { cleanup(); process.exit(130) })
setTimeout(() => {
  console.error(`[load:chaos] over the ${BUDGET_S} s budget: stopping (instance logs in test-output/load/)`)
  writeLogs()
  cleanup()
  process.exit(1)
}, BUDGET_S * 1000).unref()

async function main() {
  const why = labUnavailable()
  if (why) {
    console.error(`[load:chaos] ${why}`)
    return 2
  }
  const stale = removeLeftovers()
  if (stale.length) log(`removed what a previous run left: ${stale.join(', ')}`)
  ensureBuilt({ dir: OUTPUT, useExisting: true, log })

  /** @type {Required<Leftovers>} */
  const state = { redisPid: 0, dirs: [], pgDir: '' }
  const remember = () => writeFileSync(STATE, JSON.stringify(state))
  const runDir = mkdtempSync(join(tmpdir(), 'chat-load-chaos-'))
  state.dirs.push(runDir)
  remember()

  const lab = createLab({ prefix: PREFIX, labels: ['a', 'b'] })
  const [nodeA, nodeB] = /** @type {[import('./lib/netns.mjs').Node, import('./lib/netns.mjs').Node]} */ (lab.nodes)
  const pg = await startScratchPostgres({ log, listen: lab.nodes.map(n => n.links.pg.rootAddr) })
  state.pgDir = pg.dir
  remember()
  cleanups.push(pg.destroy)
  const redis = await startScratchRedis({ log, bind: lab.nodes.map(n => n.links.redis.rootAddr) })
  state.redisPid = redis.pid() ?? 0
  state.dirs.push(redis.dir)
  remember()
  cleanups.push(redis.destroy)
  const admin = postgres(pg.url('postgres'), { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${DB}`)
  await admin.end({ timeout: 5 })

  const instance = (/** @type {import('./lib/netns.mjs').Node} */ node) => startInstance({
    name: `chaos-${node.label}`,
    outputDir: OUTPUT,
    cwd: ROOT,
    command: node.exec,
    host: node.links.cli.nsAddr,
    env: {
      ...loadInstanceEnv(),
      DATA_DIR: join(runDir, node.label),
      DATABASE_URL: pg.url(DB, node.links.pg.rootAddr),
      REDIS_URL: `redis://${node.links.redis.rootAddr}:${redis.port}`
    },
    timeoutMs: 60_000,
    logLimit: 400_000
  })
  const a = await instance(nodeA)
  startedInstances.push(a)
  const b = await instance(nodeB)
  startedInstances.push(b)
  log(`instance a ${a.url} in netns ${nodeA.ns}, instance b ${b.url} in netns ${nodeB.ns}; PostgreSQL :${pg.port}, Redis :${redis.port} over veths`)

  // Seeded over the clean network: the run is about the load, not about signing 50 users up slowly.
  const { fixture } = await seedLoad({ baseUrl: a.url, users: Math.max(50, MEMBERS), historyHot: 0, historyDept: 0, fixture: 'test-output/load/chaos-fixture.json', log: msg => log(`seed: ${msg}`) })

  // The bad network between clients and instances: loss on the veths, delay in front of them.
  for (const node of lab.nodes) lab.loss(node, 'cli', LOSS)
  const proxies = await Promise.all(/** @type {const} */ ([[a, nodeA], [b, nodeB]]).map(([i, node]) => startDelayProxy({ target: { host: node.links.cli.nsAddr, port: i.port }, delayMs: DELAY_MS })))
  for (const p of proxies) cleanups.push(p.close)
  const instances = proxies.map(p => p.url)
  log(`clients reach the instances through ${DELAY_MS} ms each way and ${LOSS} % loss each way (${instances.join(', ')} → a, b)`)

  const metrics = new Metrics(Date.now())
  /** @type {import('./lib/session.mjs').SendReply[]} */
  const replies = []
  /** Per session: message id → when it first arrived (real time or sync) and when it was first sent. @type {Map<string, { at: number, sentAt: number, via: 'realtime' | 'sync' }>[]} */
  const arrivals = []
  const users = /** @type {{ id: string, conversations: Record<string, string> }[]} */ (fixture.users).slice(0, MEMBERS)
  const sessions = users.map((user, i) => {
    const seen = new Map()
    arrivals.push(seen)
    return new Session({
      label: `member${i}`,
      user: /** @type {any} */ (user),
      password: fixture.password,
      projectId: fixture.projectId,
      instances,
      rooms: Object.values(user.conversations),
      home: i % instances.length,
      metrics,
      connect,
      settings: { ackTimeoutMs: 10_000, drainMs: 3000, gapGraceMs: 2000, refreshTokens: false, selftestDrop: 0, selftestHide: 0, audit: true },
      log: msg => log(msg),
      onSendReply: reply => replies.push(reply),
      onArrival: (message, via) => {
        if (seen.has(message.id)) return
        seen.set(message.id, { at: Date.now(), sentAt: Number(T_RE.exec(message.content ?? '')?.[1] ?? Number.NaN), via })
      }
    })
  })
  const opened = await Promise.all(sessions.map(s => s.open()))
  if (!opened.every(Boolean)) throw new Error(`${opened.filter(x => !x).length} sessions did not open`)
  log(`${sessions.length} member sessions (rooms of 10, half of each on each instance); sending ${RATE} messages/s`)

  const { sends, stop: stopSending } = steadySends(RATE, () => {
    const i = Math.floor(Math.random() * sessions.length)
    return /** @type {Session} */ (sessions[i]).send(/** @type {string} */ (users[i]?.conversations.team))
  })

  await sleep(STEADY_S * 1000)
  const cutAt = Date.now()
  if (CUT === 'down') lab.setUp(nodeA, 'redis', false)
  else lab.loss(nodeA, 'redis', 100)
  log(`instance a cut from Redis (${CUT === 'down' ? 'link down' : 'every packet dropped'}) for ${CUT_S} s`)
  await sleep(CUT_S * 1000)
  if (CUT === 'down') lab.setUp(nodeA, 'redis', true)
  else lab.clear(nodeA, 'redis')
  const healAt = Date.now()
  log('healed')
  await sleep(AFTER_S * 1000)

  await stopSending()
  const stoppedAt = Date.now()
  log(`load stopped after ${sends.length} sends; waiting for acks (up to ${ACK_WAIT_S} s), draining, final sync`)
  await Promise.race([Promise.all(sends), sleep(ACK_WAIT_S * 1000)])
  // The audit holds sessions to what was acked before their final syncs; a send acked later
  // (it was still in flight) is left out of it and fails "every send acked" instead.
  const closingAt = Date.now()
  const members = await Promise.all(sessions.map(s => s.close()))
  const ackedAt = new Map(replies.filter(r => r.code === null).map(r => [r.clientId, r.at]))
  const acked = sessions.flatMap(s => s.acked).filter(m => (ackedAt.get(m.clientId) ?? Infinity) <= closingAt)
  const audit = auditDeliveries(acked, members)
  const counts = metrics.counts

  // Every delivery the audit expects, timed: each acked message × each other member watching its room.
  const deliver = new Histogram()
  let settledAt = healAt
  let outstandingAtHeal = 0
  let afterLoad = 0
  /** Outstanding deliveries by the second after the heal they arrived in. @type {number[]} */
  const settleBySecond = []
  const via = { realtime: 0, sync: 0 }
  for (const [k, member] of members.entries()) {
    const seen = /** @type {Map<string, { at: number, sentAt: number, via: 'realtime' | 'sync' }>} */ (arrivals[k])
    const baseline = new Map(member.conversations.map(c => [c.conversationId, c.baseline]))
    for (const m of acked) {
      const from = baseline.get(m.conversationId)
      if (from === undefined || m.seq <= from || m.senderId === member.userId) continue
      const arrival = seen.get(m.id)
      if (!arrival) continue // the audit counts it lost
      via[arrival.via]++
      if (arrival.at >= stoppedAt) afterLoad++
      deliver.add(arrival.at - arrival.sentAt)
      if (arrival.sentAt <= healAt && arrival.at > healAt) {
        outstandingAtHeal++
        settledAt = Math.max(settledAt, arrival.at)
        const sec = Math.floor((arrival.at - healAt) / 1000)
        settleBySecond[sec] = (settleBySecond[sec] ?? 0) + 1
      }
    }
  }
  const during = (/** @type {number} */ from, /** @type {number} */ to) => replies.filter(r => r.at >= from && r.at <= to)
  const byCode = (/** @type {typeof replies} */ list) => list.reduce((acc, r) => ({ ...acc, [r.code ?? 'ok']: (acc[r.code ?? 'ok'] ?? 0) + 1 }), /** @type {Record<string, number>} */ ({}))
  const cutWindow = { a: byCode(during(cutAt, healAt).filter(r => r.instance === instances[0])), b: byCode(during(cutAt, healAt).filter(r => r.instance === instances[1])) }
  /** Send answers per instance in 5 s buckets from the cut (negative: before it). */
  const timeline = /** @type {Record<string, Record<string, Record<string, number>>>} */ ({})
  for (const r of replies) {
    const bucket = String(Math.floor((r.at - cutAt) / 5000) * 5)
    const who = r.instance === instances[0] ? 'a' : 'b'
    const row = (timeline[bucket] ??= {})
    const cell = (row[who] ??= {})
    cell[r.code ?? 'ok'] = (cell[r.code ?? 'ok'] ?? 0) + 1
  }
  const ackedAgain = replies.find(r => r.instance === instances[0] && r.code === null && r.at > healAt)
  const summary = {
    network: { lossPercentEachWay: LOSS, delayMsEachWay: DELAY_MS, cut: CUT, cutS: CUT_S },
    sends: sends.length,
    acked: counts.sent,
    lost: counts.lost + audit.missing,
    duplicates: counts.duplicates + audit.duplicateAcks,
    audited: { deliveries: audit.expected, unaudited: members.filter(m => !m.audited).length, examples: audit.examples },
    deliverMs: deliver.summary(),
    deliveries: { ...via, recoveredBySync: counts.recovered, afterLoadStopped: afterLoad },
    settledAfterHealMs: settledAt - healAt,
    outstandingAtHeal,
    outstandingArrivedBySecondAfterHeal: Array.from(settleBySecond, n => n ?? 0),
    instanceAAckedAgainAfterHealMs: ackedAgain ? ackedAgain.at - healAt : null,
    repliesDuringCut: cutWindow,
    repliesByCode: byCode(replies),
    repliesBy5sFromCut: timeline,
    resent: counts.resent,
    disconnects: counts.disconnects,
    failovers: counts.failovers,
    errorsByCode: metrics.errorsByCode,
    instanceANoticed: /redis unreachable/.test(a.output())
  }
  const checks = [
    ['lost 0', summary.lost === 0, `${summary.lost}`],
    ['duplicates 0', summary.duplicates === 0, `${summary.duplicates}`],
    ['every send acked before the end', acked.length === sends.length, `${acked.length}/${sends.length}`],
    ['every session audited (final sync answered)', summary.audited.unaudited === 0, `${summary.audited.unaudited} unaudited`],
    ['messages flowed', counts.sent > 0 && audit.expected > 0, `${counts.sent} acked, ${audit.expected} deliveries audited`]
  ]
  log(`replies during the cut: instance a ${JSON.stringify(cutWindow.a)}, instance b ${JSON.stringify(cutWindow.b)}; resent ${counts.resent}, disconnects ${counts.disconnects}, failovers ${counts.failovers}; errors ${JSON.stringify(metrics.errorsByCode)}`)
  log(`deliveries: ${via.realtime} in real time, ${via.sync} by sync:request (${afterLoad} arrived after the load stopped); ${outstandingAtHeal} were outstanding at the heal, arriving in the seconds after it: ${summary.outstandingArrivedBySecondAfterHeal.join(' ')}`)
  log(`send answers per 5 s from the cut (a | b): ${Object.entries(timeline).sort(([x], [y]) => Number(x) - Number(y)).map(([t, row]) => `${t}s ${row.a?.ok ?? 0}/${row.a?.ACK_TIMEOUT ?? 0} | ${row.b?.ok ?? 0}/${row.b?.ACK_TIMEOUT ?? 0}`).join(', ')} (ok/ack timeouts)`)
  log(`instance a acked a send again ${summary.instanceAAckedAgainAfterHealMs} ms after the heal`)
  for (const e of audit.examples) log(`  ${e}`)
  for (const [name, ok, value] of checks) log(`${ok ? 'ok     ' : 'FAILED '} ${name} (${value})`)
  console.log(`acked ${summary.acked}`)
  console.log(`lost ${summary.lost}`)
  console.log(`duplicates ${summary.duplicates}`)
  console.log(`send→deliver p50 ${summary.deliverMs.p50} ms, p99 ${summary.deliverMs.p99} ms (${summary.deliverMs.count} deliveries)`)
  console.log(`delivery settled ${summary.settledAfterHealMs} ms after heal`)

  mkdirSync(resolve(ROOT, 'test-output/load'), { recursive: true })
  writeFileSync(resolve(ROOT, 'test-output/load/chaos-summary.json'), JSON.stringify({ ...summary, checks: checks.map(([name, ok, value]) => ({ name, ok, value })) }, null, 2))
  await Promise.all([a.stop(), b.stop()])
  writeLogs()
  const ok = checks.every(([, pass]) => pass)
  log(ok ? `passed in ${((Date.now() - started) / 1000).toFixed(0)} s` : 'FAILED')
  return ok ? 0 : 1
}

main().then(code => process.exit(code), (error) => {
  console.error(`[load:chaos] ${error instanceof Error ? error.stack : error}`)
  process.exit(1)
})
