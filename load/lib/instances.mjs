// Built server instances for load runs (load/ci.mjs): started on Postgres + Redis with limits
// raised for load, stopped (or SIGKILLed) by pid, never left running.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Environment of an instance started for load. Load traffic is far above what the per-user
 * limits allow a person (sends, syncs, sign-ins), so they are raised here: every new limit gets
 * its generous value in this one place. No demo data is needed (seed:load signs its own users
 * up). LOAD_INSTANCE_ENV="NAME=value,NAME2=value" adds or overrides entries for one run.
 * @param {Record<string, string | undefined>} [env]
 * @returns {Record<string, string>}
 */
export function loadInstanceEnv(env = process.env) {
  /** @type {Record<string, string>} */
  const base = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    // Load users all come from 127.0.0.1 and send, sync and sign in far faster than a person.
    CHAT_RATE_LIMIT_PER_MINUTE: '1000000',
    SYNC_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_SIGNUPS_PER_IP: '1000000',
    AUTH_LOGIN_FAILS_PER_IP: '1000000'
  }
  for (const pair of (env.LOAD_INSTANCE_ENV ?? '').split(',').map(s => s.trim()).filter(Boolean)) {
    const i = pair.indexOf('=')
    if (i > 0) base[pair.slice(0, i)] = pair.slice(i + 1)
  }
  return base
}

/** A free loopback port. @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/**
 * @typedef {object} Instance
 * @property {string} url
 * @property {number} pid
 * @property {() => string} output
 * @property {() => Promise<void>} stop
 * @property {() => boolean} alive
 */

/** @type {Set<import('node:child_process').ChildProcess>} */
const started = new Set()

/** @type {Set<string>} */
const dataDirs = new Set()

/** SIGKILLs every instance this process started and removes their data dirs (for exit handlers). */
export function killAll() {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
}

/**
 * Starts `<outputDir>/server/index.mjs` and waits for /api/health.
 * @param {{ outputDir: string, env: Record<string, string>, cwd: string, name: string }} o
 * @returns {Promise<Instance>}
 */
export async function startInstance(o) {
  const entry = join(o.outputDir, 'server', 'index.mjs')
  if (!existsSync(entry)) throw new Error(`no build at ${entry}`)
  const port = await freePort()
  let out = ''
  const dataDir = mkdtempSync(join(tmpdir(), `chat-load-${o.name}-`))
  dataDirs.add(dataDir)
  const child = spawn(process.execPath, [entry], {
    cwd: o.cwd,
    env: { ...process.env, DATA_DIR: dataDir, ...o.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  started.add(child)
  /** @param {Buffer} d */
  const keep = (d) => {
    out += d
    if (out.length > 200000) out = out.slice(-100000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${o.name} exited ${child.exitCode}:\n${out.slice(-3000)}`)
    if (await fetch(`${url}/api/health`).then(r => r.ok, () => false)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`instance ${o.name} did not become healthy:\n${out.slice(-3000)}`)
    }
    await new Promise(r => setTimeout(r, 200))
  }
  return {
    url,
    pid: /** @type {number} */ (child.pid),
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })
  }
}
