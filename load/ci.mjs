#!/usr/bin/env node
// The CI load check (`npm run load:ci`): two built instances on the project's Postgres + Redis
// (scripts/services-up.sh; a fresh database and Redis db every run), a smoke run against both,
// then the same traffic while one instance is SIGKILLed mid-load. Clients fail over to the
// survivor and resend their unacked messages with the same clientIds; the run must end with
// `lost 0` and `duplicates 0` and every threshold held, else this exits non-zero. First, a short
// self-test run with deliveries hidden from the audit must fail, or the check proves nothing.
// Bounded (CI_LOAD_BUDGET_S, default 170 s) and kills everything it started on exit.
//
// Environment: NUXT_OUTPUT_DIR (build to use, default .output; built when missing),
// CHAT_PG_PORT / CHAT_REDIS_PORT (services-up.sh ports), LOAD_INSTANCE_ENV (extra instance env).
import { spawn, spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { Redis } from 'ioredis'
import { killAll, loadInstanceEnv, servicesUp, startInstance } from './lib/instances.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUTPUT = resolve(ROOT, process.env.NUXT_OUTPUT_DIR || '.output')
const PG = `postgres://chat:chat@127.0.0.1:${process.env.CHAT_PG_PORT || 54329}`
const DB = 'chat_load'
const REDIS = `redis://127.0.0.1:${process.env.CHAT_REDIS_PORT || 63790}/4`
const BUDGET_S = Number(process.env.CI_LOAD_BUDGET_S || 170)
const started = Date.now()
const log = (/** @type {string} */ msg) => console.log(`[load:ci ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}`)

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set()
const cleanup = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  killAll()
}
process.on('exit', cleanup)
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => { cleanup(); process.exit(130) })
const budget = setTimeout(() => {
  console.error(`[load:ci] over the ${BUDGET_S} s budget: stopping`)
  cleanup()
  process.exit(1)
}, BUDGET_S * 1000)
budget.unref()

/** Runs the driver; resolves its exit code and output. @param {string} profile @param {Record<string, string>} env */
function drive(profile, env) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'load/run.mjs'), profile], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
    children.add(child)
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.on('exit', code => res({ code: code ?? 1, out }))
  })
}

async function main() {
  if (!existsSync(resolve(OUTPUT, 'server/index.mjs'))) {
    log(`no build in ${OUTPUT}: npm run build`)
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: process.env })
    if (b.status !== 0) throw new Error('build failed')
  }
  process.stderr.write(servicesUp())

  // A fresh database and Redis db for every run, so the seeded fixture is the only data.
  const admin = postgres(`${PG}/chat`, { max: 1, onnotice: () => {} })
  await admin.unsafe(`drop database if exists ${DB} with (force)`)
  await admin.unsafe(`create database ${DB}`)
  await admin.end({ timeout: 5 })
  const redis = new Redis(REDIS, { maxRetriesPerRequest: 2 })
  await redis.flushdb()
  redis.disconnect()

  const env = { ...loadInstanceEnv(), DATABASE_URL: `${PG}/${DB}`, REDIS_URL: REDIS }
  const instance = (/** @type {string} */ name) => startInstance({ name: `load-${name}`, outputDir: OUTPUT, env, cwd: ROOT, timeoutMs: 60_000, logLimit: 200_000 })
  const a = await instance('a')
  const b = await instance('b')
  log(`instances ${a.url} (pid ${a.pid}) and ${b.url} (pid ${b.pid}) on ${DB}, Redis db 4`)
  const common = {
    INSTANCES: `${a.url},${b.url}`,
    LOAD_FIXTURE: 'test-output/load/ci-fixture.json',
    LOAD_USERS: '50',
    SEED_HISTORY_HOT: '60',
    SEED_HISTORY_DEPT: '20',
    DURATION: '20s'
  }

  // The audit must be able to fail: with half the synced messages hidden (and real-time
  // deliveries dropped), a short run has to end non-zero with messages reported lost.
  log('self-test of the accounting: hidden deliveries must be reported lost')
  const selftest = await drive('smoke', { ...common, RESEED: '1', DURATION: '6s', SELFTEST_DROP_REALTIME: '0.3', SELFTEST_HIDE_SYNCED: '0.5', LOAD_REPORT_NAME: 'ci-selftest' })
  if (selftest.code !== 1 || !/^lost [1-9]\d*$/m.test(selftest.out)) return fail(`the self-test run did not fail with lost > 0 (exit ${selftest.code}): the audit cannot be trusted`, [a, b])
  log('self-test failed as it must; now the real runs')

  log('smoke run against both instances')
  // Two cores carry both instances, Postgres, Redis and the driver here, so a few slow acks are
  // noise, not a regression: these bars catch a path gone seconds slow, while the accounting
  // (lost 0, duplicates 0, errors) stays exact. Latency is judged by npm run load and the bench.
  const ciLimits = { ackP95: 1000, ackP99: 3000, deliverP95: 1500, deliverP99: 5000, reconnectP95: 5000, historyP95: 2000 }
  const smoke = await drive('smoke', { ...common, LOAD_REPORT_NAME: 'ci-smoke', LOAD_PROFILE_OVERRIDES: JSON.stringify({ limits: ciLimits }) })
  if (smoke.code !== 0) return fail('smoke run failed', [a, b])

  log(`failover run: instance b (pid ${b.pid}) is SIGKILLed 7 s into the load`)
  const failover = await drive('failover', { ...common, LOAD_KILL_PID: String(b.pid), LOAD_KILL_AT_S: '7', LOAD_REPORT_NAME: 'ci-failover' })
  if (b.alive()) return fail('instance b was not killed', [a, b])
  if (!a.alive()) return fail('the surviving instance died', [a])
  if (failover.code !== 0 || !/^lost 0$/m.test(failover.out) || !/^duplicates 0$/m.test(failover.out)) return fail('failover run failed', [a])
  await a.stop()
  log('passed: smoke and failover held every threshold, lost 0, duplicates 0; reports in test-output/load/')
  return 0
}

/** @param {string} why @param {import('../test/support/instance.d.mts').Instance[]} instances */
function fail(why, instances) {
  for (const i of instances) console.error(`--- instance ${i.url} output (tail) ---\n${i.output().slice(-2500)}`)
  console.error(`[load:ci] ${why}`)
  return 1
}

main().then(code => process.exit(code), (error) => {
  console.error(`[load:ci] ${error instanceof Error ? error.stack : error}`)
  process.exit(1)
})
