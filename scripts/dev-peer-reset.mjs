// Starts `nuxt dev` the way a newcomer does, resets connections to it mid-request (see
// test/support/peer-reset.mjs) and fails if the dev server restarted, logged an unhandled error or
// stopped answering. Its own build dir, data dir and port, so it runs beside another dev server.
//   node scripts/dev-peer-reset.mjs [--rounds 5]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, ROOT } from '../test/support/instance.mjs'
import { PEER_RESETS } from '../test/support/peer-reset.mjs'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } })
const rounds = Number(values.rounds)
const STARTUP_MS = 180_000
/** What nuxi and Nitro print when a reset escaped: a restart, or an error nobody handled. */
const ESCAPED = /unhandled|uncaught|Restarting Nuxt/i

const log = message => console.error(`[dev-peer-reset] ${message}`)
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

const port = await freePort()
const dataDir = mkdtempSync(join(tmpdir(), 'chat-dev-resets-'))
const base = new URL(`http://127.0.0.1:${port}/`)
let output = ''
// Its own process group, so nuxi's forks go down with it.
const dev = spawn('npx', ['nuxt', 'dev', '--port', String(port), '--host', '127.0.0.1'], {
  cwd: ROOT,
  detached: true,
  env: { ...process.env, NUXT_BUILD_DIR: '.nuxt-dev-resets', DATA_DIR: dataDir, PORT: String(port), NUXT_TELEMETRY_DISABLED: '1' },
  stdio: ['ignore', 'pipe', 'pipe']
})
dev.stdout.on('data', (d) => { output += d })
dev.stderr.on('data', (d) => { output += d })
const exited = new Promise(resolve => dev.once('close', resolve))
// CI's step timeout signals this script only: take the dev server's group down with it.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    try {
      process.kill(-(/** @type {number} */ (dev.pid)), 'SIGKILL')
    } catch { /* already gone */ }
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(1)
  })
}

const healthy = () => fetch(new URL('/api/health', base), { signal: AbortSignal.timeout(5000) }).then(r => r.ok, () => false)

async function stop() {
  try {
    process.kill(-(/** @type {number} */ (dev.pid)), 'SIGTERM')
  } catch { /* already gone */ }
  const killer = setTimeout(() => {
    try {
      process.kill(-(/** @type {number} */ (dev.pid)), 'SIGKILL')
    } catch { /* already gone */ }
  }, 5000)
  await exited
  clearTimeout(killer)
  rmSync(dataDir, { recursive: true, force: true })
}

/** Waits for /api/health; a Nitro reload (a file saved meanwhile) answers 503 for a moment. */
async function untilHealthy(timeoutMs) {
  const started = Date.now()
  while (!await healthy()) {
    if (dev.exitCode !== null) throw new Error(`nuxt dev exited with ${dev.exitCode}`)
    if (Date.now() - started > timeoutMs) throw new Error(`nuxt dev did not answer /api/health within ${timeoutMs / 1000} s`)
    await sleep(500)
  }
  return Date.now() - started
}

let failure = ''
let before = 0
try {
  log(`nuxt dev healthy on ${base.host} after ${Math.round(await untilHealthy(STARTUP_MS) / 1000)} s`)
  before = output.length
  for (const [name, reset] of Object.entries(PEER_RESETS)) {
    await untilHealthy(30_000)
    for (let i = 0; i < rounds; i++) await reset(base)
    log(`${rounds} × ${name}`)
  }
  // A restart takes a moment to show: give one the time to start before looking.
  await sleep(3000)
  await untilHealthy(5000)
} catch (error) {
  failure = /** @type {Error} */ (error).message
} finally {
  await stop()
}
const after = output.slice(before).split('\n').filter(line => !line.includes('"msg":"request"')).join('\n')
if (before && ESCAPED.test(after)) failure = `a reset escaped (${failure || 'the server still answered'}):\n${after}`
else if (failure) failure += `\n${output.slice(-5000)}`
if (failure) {
  log(failure)
  process.exit(1)
}
log('every reset was absorbed: no restart, nothing unhandled, still healthy')
