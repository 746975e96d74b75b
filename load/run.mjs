#!/usr/bin/env node
// The Node load driver: the k6 suite's scenarios against one or several running instances, with
// the same exactly-once accounting, thresholds that fail the run, and JSON + HTML reports.
//
//   node load/run.mjs smoke|load|stress|soak|failover      (npm run load:smoke, load:load, …)
//   BASE_URL=http://127.0.0.1:3000 npm run load:smoke
//   INSTANCES=http://127.0.0.1:3001,http://127.0.0.1:3002 npm run load
//
// Exit code: 0 when every threshold held, 1 when one was crossed, 2 on a usage or setup error.
// See load/README.md for the environment it reads.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { seedLoad } from '../scripts/seed-load.mjs'
import { getProfile, PROFILE_NAMES } from './lib/profiles.mjs'
import { runLoad, summarize } from './lib/driver.mjs'
import { writeReports } from './lib/report.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const env = process.env
const log = (/** @type {string} */ msg) => console.log(`[load] ${msg}`)

async function main() {
  const name = process.argv[2] ?? env.PROFILE ?? 'smoke'
  if (!PROFILE_NAMES.includes(name)) {
    console.error(`usage: node load/run.mjs ${PROFILE_NAMES.join('|')}`)
    return 2
  }
  const profile = getProfile(name)
  const instances = (env.INSTANCES || env.BASE_URL || 'http://127.0.0.1:3000').split(',').map(s => s.trim().replace(/\/+$/, '')).filter(Boolean)
  for (const base of instances) {
    const ok = await fetch(`${base}${env.LOAD_HEALTH_PATH || '/api/health'}`).then(r => r.ok, () => false)
    if (!ok) {
      console.error(`[load] ${base}${env.LOAD_HEALTH_PATH || '/api/health'} does not answer 200: is the server running?`)
      return 2
    }
  }

  const fixturePath = resolve(ROOT, env.LOAD_FIXTURE || 'test-output/load/fixture.json')
  const users = Number(env.LOAD_USERS || profile.users)
  /** @type {any} */
  let fixture = existsSync(fixturePath) ? JSON.parse(readFileSync(fixturePath, 'utf8')) : null
  if (env.LOAD_SEED === '0') {
    if (!fixture) throw new Error(`LOAD_SEED=0 but there is no fixture at ${fixturePath}`)
  } else if (env.RESEED === '1' || !fixture || fixture.baseUrl !== instances[0] || fixture.users.length < users) {
    log(`seeding ${instances[0]}: ${users} users (fixture ${fixturePath})`)
    fixture = (await seedLoad({
      baseUrl: instances[0],
      users,
      fixture: fixturePath,
      concurrency: Number(env.SEED_CONCURRENCY || 8),
      historyHot: env.SEED_HISTORY_HOT !== undefined ? Number(env.SEED_HISTORY_HOT) : undefined,
      historyDept: env.SEED_HISTORY_DEPT !== undefined ? Number(env.SEED_HISTORY_DEPT) : undefined,
      log: msg => log(`seed: ${msg}`)
    })).fixture
  }

  const result = await runLoad({
    profile,
    instances,
    fixture,
    workers: env.LOAD_WORKERS ? Number(env.LOAD_WORKERS) : undefined,
    transport: env.LOAD_TRANSPORT === 'socket.io-client' ? 'socket.io-client' : 'ws',
    kill: env.LOAD_KILL_PID ? { pid: Number(env.LOAD_KILL_PID), atS: Number(env.LOAD_KILL_AT_S || profile.durationS / 3) } : null,
    settings: {
      ackTimeoutMs: Number(env.ACK_TIMEOUT_MS || 10000),
      drainMs: Number(env.DRAIN_MS || 3000),
      gapGraceMs: Number(env.GAP_GRACE_MS || 2000),
      // Self-test of the accounting only: ignore real-time deliveries / synced messages.
      selftestDrop: Number(env.SELFTEST_DROP_REALTIME || 0),
      selftestHide: Number(env.SELFTEST_HIDE_SYNCED || 0),
      audit: env.LOAD_AUDIT !== '0',
      retryRatio: Number(env.RETRY_RATIO ?? 0.03),
      editRatio: Number(env.EDIT_RATIO ?? 0.05),
      deleteRatio: Number(env.DELETE_RATIO ?? 0.02),
      typingRatio: Number(env.TYPING_RATIO ?? 1)
    },
    log
  })
  const s = summarize(result)
  const reports = writeReports(s, resolve(ROOT, env.LOAD_REPORT_DIR || 'test-output/load'), env.LOAD_REPORT_NAME || name)

  const lat = s.latencyMs
  log(`acked ${s.counts.sent} (${s.ratePerS.acked.toFixed(1)}/s), deliveries ${s.counts.received} (${s.ratePerS.deliveries.toFixed(1)}/s), recovered by sync ${s.counts.recovered}, resent ${s.counts.resent}, disconnects ${s.counts.disconnects}, failovers ${s.counts.failovers}`)
  log(`send→ack p50/p95/p99 ${lat.sendAck.p50}/${lat.sendAck.p95}/${lat.sendAck.p99} ms, send→deliver p50/p95/p99 ${lat.deliver.p50}/${lat.deliver.p95}/${lat.deliver.p99} ms, reconnect p95 ${lat.reconnect.p95} ms`)
  log(`errors ${s.counts.errors}/${s.counts.ops} ops${Object.keys(s.errorsByCode).length ? ` by code ${JSON.stringify(s.errorsByCode)}` : ''}`)
  log(`driver CPU ${s.driverCpu.msPerMessage?.toFixed(3)} ms per acked message, ${s.driverCpu.usPerDelivery?.toFixed(1)} µs per delivery, ${s.driverCpu.cores.toFixed(2)} cores`)
  for (const t of s.thresholds) log(`${t.ok ? 'ok     ' : 'CROSSED'} ${t.name} = ${t.value} (${t.limit})`)
  for (const e of s.lostDetail.examples) log(`  ${e}`)
  console.log(`lost ${s.lost}`)
  console.log(`duplicates ${s.duplicates}`)
  log(`reports: ${reports.json}, ${reports.html}`)
  log(s.ok ? 'passed' : 'FAILED: a threshold was crossed')
  return s.ok ? 0 : 1
}

main().then(code => process.exit(code), (error) => {
  console.error(`[load] ${error instanceof Error ? error.stack : error}`)
  process.exit(2)
})
