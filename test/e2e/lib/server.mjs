// Build-if-stale and start the production server: the .mjs twin of test/support/server.ts.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const root = resolve(import.meta.dirname, '..', '..', '..')
const outputDir = resolve(root, process.env.NUXT_OUTPUT_DIR || '.output')
export const entry = join(outputDir, 'server', 'index.mjs')
const SOURCES = ['server', 'shared', 'drizzle', 'layers', 'pages', 'components', 'composables', 'stores', 'layouts', 'middleware', 'plugins', 'assets', 'app.vue', 'app.config.ts', 'nuxt.config.ts', 'package.json']

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs)
}

/** Builds the production server unless its entry is newer than every source file (FORCE_BUILD=1 always builds). */
export function ensureBuilt(log = console.log) {
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0
  const sources = Math.max(...SOURCES.map(s => newestMtime(join(root, s))))
  if ((built > sources || (built && process.env.E2E_SKIP_BUILD === '1')) && process.env.FORCE_BUILD !== '1') {
    log(`using existing build ${entry}`)
    return
  }
  log(`building the app into ${outputDir} (build dir ${process.env.NUXT_BUILD_DIR || '.nuxt'}) …`)
  const started = Date.now()
  const result = spawnSync('npx', ['nuxt', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (result.status !== 0) throw new Error(`nuxt build failed (exit ${result.status})`)
  if (!existsSync(entry)) throw new Error(`nuxt build finished but ${entry} is missing`)
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`)
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolvePort(port))
    })
    srv.on('error', reject)
  })
}

/** Starts the built server on a fresh PGlite data dir and waits until /api/health answers. */
export async function startServer(env = {}) {
  const port = await freePort()
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-e2e-'))
  let log = ''
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    // The scenarios sign in and up many times from 127.0.0.1: raise the per-IP sign-in limits.
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, AUTH_SIGNUPS_PER_IP: '100000', AUTH_LOGIN_FAILS_PER_IP: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout.on('data', (d) => { log += d.toString() })
  child.stderr.on('data', (d) => { log += d.toString() })

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((done) => {
        child.once('exit', done)
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      })
    }
    await rm(dataDir, { recursive: true, force: true }).catch(() => {})
  }

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`server exited with ${child.exitCode}:\n${log}`)
    }
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`server did not become healthy within 90 s:\n${log}`)
    }
    await new Promise(r => setTimeout(r, 200))
  }
  return { url, port, pid: child.pid, output: () => log, stop }
}
