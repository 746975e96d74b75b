import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const outputDir = process.env.NUXT_OUTPUT_DIR ? join(root, process.env.NUXT_OUTPUT_DIR) : join(root, '.output')
const entry = join(outputDir, 'server', 'index.mjs')
const SOURCES = ['server', 'shared', 'drizzle', 'layers', 'pages', 'components', 'composables', 'stores', 'layouts', 'middleware', 'plugins', 'app.vue', 'nuxt.config.ts', 'package.json']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs)
}

/** Builds the production server unless `.output` is newer than every source file. */
export function ensureBuilt() {
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0
  const sources = Math.max(...SOURCES.map(s => newestMtime(join(root, s))))
  if (built > sources && process.env.FORCE_BUILD !== '1') return
  const result = spawnSync('npx', ['nuxt', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (result.status !== 0) throw new Error('nuxt build failed')
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/**
 * The suites sign up and sign in hundreds of users from 127.0.0.1: raise the per-IP sign-in
 * limits (the per-account lockout keeps its production default, and the throttle tests start
 * their own servers with the defaults).
 */
export const SUITE_AUTH_LIMITS = { AUTH_SIGNUPS_PER_IP: '100000', AUTH_LOGIN_FAILS_PER_IP: '100000' }

export interface RunningServer {
  url: string
  port: number
  process: ChildProcess
  stop: () => Promise<void>
  output: () => string
}

/** Starts the built server and waits until /api/health answers (migrations done). */
export async function startServer(env: Record<string, string> = {}, opts: { port?: number } = {}): Promise<RunningServer> {
  const port = opts.port ?? await freePort()
  const dataDir = env.DATA_DIR ?? await mkdtemp(join(tmpdir(), 'chat-test-'))
  let log = ''
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout!.on('data', (d: Buffer) => { log += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { log += d.toString() })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not become healthy:\n${log}`)
    }
    await new Promise(r => setTimeout(r, 200))
  }
  return {
    url,
    port,
    process: child,
    output: () => log,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })
  }
}
