// The one way to run the built server: the integration, services, supabase and browser suites,
// the benchmark and the load runs all start `<output>/server/index.mjs` through here. Plain ESM so
// node scripts import it without a TypeScript loader; instance.d.mts types it for vitest.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')

/** The build output folder: NUXT_OUTPUT_DIR (relative to the repo) or `.output`. */
export const outputDir = (dir = process.env.NUXT_OUTPUT_DIR || '.output') => resolve(ROOT, dir)

/** The built server's entry inside an output folder. */
export const serverEntry = (dir = outputDir()) => join(dir, 'server', 'index.mjs')

const SOURCES = ['server', 'shared', 'drizzle', 'layers', 'pages', 'components', 'composables', 'stores', 'layouts', 'middleware', 'plugins', 'assets', 'public', 'app.vue', 'app.config.ts', 'nuxt.config.ts', 'package.json']

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs)
}

/** A lock older than this was left by a build that died; the next one takes it over. */
const BUILD_LOCK_STALE_MS = 15 * 60_000

/** Sleeps without giving up the thread (ensureBuilt is synchronous, and so are its callers' setups). */
const sleepSync = ms => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/**
 * Runs fn while holding `<dir>.build-lock` (an atomic mkdir): suites started side by side build one
 * output folder once instead of writing it at the same time.
 */
function withBuildLock(dir, log, fn) {
  const lock = `${dir}.build-lock`
  let told = false
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
    }
    let age
    try {
      age = Date.now() - statSync(lock).mtimeMs
    } catch {
      continue // released meanwhile
    }
    if (age > BUILD_LOCK_STALE_MS) {
      rmSync(lock, { recursive: true, force: true })
      continue
    }
    if (!told) log(`waiting for the build another process is making in ${dir} …`)
    told = true
    sleepSync(500)
  }
  try {
    return fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Builds the production server unless its entry is newer than every source file. FORCE_BUILD=1
 * always builds (a build another process finished while this one waited for it counts);
 * `useExisting` takes any existing build as it is.
 * @param {{ dir?: string, log?: (message: string) => void, useExisting?: boolean }} [options]
 */
export function ensureBuilt({ dir = outputDir(), log = () => {}, useExisting = false } = {}) {
  const entry = serverEntry(dir)
  const requested = Date.now()
  withBuildLock(dir, log, () => {
    const built = existsSync(entry) ? statSync(entry).mtimeMs : 0
    if (built > requested) {
      log(`using the build another process just made in ${dir}`)
      return
    }
    const sources = Math.max(...SOURCES.map(s => newestMtime(join(ROOT, s))))
    if ((built > sources || (built && useExisting)) && process.env.FORCE_BUILD !== '1') {
      log(`using existing build ${entry}`)
      return
    }
    log(`building the app into ${dir} (build dir ${process.env.NUXT_BUILD_DIR || '.nuxt'}) …`)
    const started = Date.now()
    const result = spawnSync('npx', ['nuxt', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
    if (result.status !== 0) throw new Error(`nuxt build failed (exit ${result.status})`)
    if (!existsSync(entry)) throw new Error(`nuxt build finished but ${entry} is missing`)
    log(`built in ${Math.round((Date.now() - started) / 1000)} s`)
  })
}

/**
 * Runs scripts/services-up.sh (idempotent: installs and starts only what is missing: Postgres 15 on
 * 54329, Redis on 63790) and returns what it printed on stderr; fails with its output otherwise.
 */
export function servicesUp() {
  const result = spawnSync('bash', [join(ROOT, 'scripts', 'services-up.sh')], { cwd: ROOT, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`services-up.sh failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  return result.stderr
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolvePort(port))
    })
    srv.on('error', reject)
  })
}

/**
 * The suites sign up and sign in hundreds of users from 127.0.0.1: raise the per-IP sign-in
 * limits (the per-account lockout keeps its production default, and the throttle tests start
 * their own servers with the defaults). Scenes add many fresh users to one owner's project, each an
 * invitation (the invitation-limit test starts its own server too).
 */
export const SUITE_AUTH_LIMITS = Object.freeze({ AUTH_SIGNUPS_PER_IP: '100000', AUTH_LOGIN_FAILS_PER_IP: '100000', INVITATIONS_PER_HOUR: '100000' })

const started = new Set()
const ownDataDirs = new Set()

/** SIGKILLs every instance this process started and removes the data dirs made for them (for exit handlers). */
export function killAll() {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const dir of ownDataDirs) rmSync(dir, { recursive: true, force: true })
  ownDataDirs.clear()
}

const shortHash = text => createHash('sha256').update(text).digest('hex').slice(0, 12)

/** This process's template builds, by folder: instances started together wait for one build. */
const templateBuilds = new Map()

/**
 * The embedded database (`<DATA_DIR>/pglite`) of an instance of this build that started on an
 * empty data dir and stopped again: initdb run, migrated, demo seeded, nothing else. Kept in the
 * temp folder per build (the entry's mtime and the shipped migrations name it), made once, then
 * reused by every later run of the same build; a newer build replaces it. It holds no secrets:
 * those are made on first use, so each copy makes its own.
 * @param {string} script
 * @returns {Promise<string>} the folder holding `pglite/`
 */
function pgliteTemplate(script) {
  const journal = join(dirname(script), 'migrations', 'meta', '_journal.json')
  const family = `chat-pglite-template-${shortHash(script)}`
  const dir = join(tmpdir(), `${family}-${shortHash(`${statSync(script).mtimeMs}\n${existsSync(journal) ? readFileSync(journal, 'utf8') : ''}`)}`)
  // Renamed into place complete, so a folder that exists is ready (another process may have made it).
  if (existsSync(dir)) return Promise.resolve(dir)
  let build = templateBuilds.get(dir)
  if (!build) {
    build = (async () => {
      const work = mkdtempSync(join(tmpdir(), `${family}-build-`))
      try {
        // The embedded defaults whatever this process's environment says (no Postgres, Redis or Supabase).
        const maker = await startInstance({ name: 'pglite-template', script, env: { DATA_DIR: work, DATABASE_URL: '', REDIS_URL: '', SUPABASE_URL: '', SEED_DEMO: '' } })
        await maker.stop()
        rmSync(join(work, 'uploads'), { recursive: true, force: true })
        try {
          renameSync(work, dir)
        } catch (error) {
          if (!existsSync(dir)) throw error // else another process finished first: use theirs
        }
        // Templates of this output folder's older builds.
        for (const name of readdirSync(tmpdir())) {
          const path = join(tmpdir(), name)
          if (name.startsWith(`${family}-`) && !name.startsWith(`${family}-build-`) && path !== dir) rmSync(path, { recursive: true, force: true })
        }
        return dir
      } finally {
        rmSync(work, { recursive: true, force: true })
        templateBuilds.delete(dir)
      }
    })()
    templateBuilds.set(dir, build)
  }
  return build
}

/**
 * Starts a built instance and waits until it answers `healthPath` (for the app: migrations done,
 * demo seeded). Without DATA_DIR in `env` it gets a fresh data dir of its own, removed once it exits.
 * With `pgliteTemplate`, an embedded database not made yet in its data dir starts as a copy of
 * pgliteTemplate()'s: migrated and seeded the same way, seconds sooner. (Ignored on Postgres or
 * Supabase, or when SEED_DEMO=false.)
 * @param {import('./instance.d.mts').StartOptions} [options]
 * @returns {Promise<import('./instance.d.mts').Instance>}
 */
export async function startInstance(options = {}) {
  const {
    name = 'server', env = {}, nodeArgs = [], cwd = ROOT, healthPath = '/api/health',
    timeoutMs = 120_000, logLimit = Infinity, dataDir = true
  } = options
  const script = options.script ?? serverEntry(options.outputDir)
  const host = options.host ?? '127.0.0.1'
  const [launcher = process.execPath, ...launcherArgs] = options.command ? [...options.command, process.execPath] : []
  if (!existsSync(script)) throw new Error(`no build at ${script}`)
  let ownDir
  if (dataDir && !env.DATA_DIR) {
    ownDir = mkdtempSync(join(tmpdir(), `chat-${name}-`))
    ownDataDirs.add(ownDir)
  }
  const merged = { ...process.env, ...env }
  const target = env.DATA_DIR ? resolve(cwd, env.DATA_DIR) : ownDir
  if (options.pgliteTemplate && target && !merged.DATABASE_URL && !merged.SUPABASE_URL && merged.SEED_DEMO !== 'false' && !existsSync(join(target, 'pglite'))) {
    try {
      cpSync(join(await pgliteTemplate(script), 'pglite'), join(target, 'pglite'), { recursive: true })
    } catch (error) {
      if (ownDir) {
        rmSync(ownDir, { recursive: true, force: true })
        ownDataDirs.delete(ownDir)
      }
      throw error
    }
  }
  const port = options.port ?? await freePort()
  let log = ''
  const child = spawn(launcher, [...launcherArgs, ...nodeArgs, script], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', ...(ownDir ? { DATA_DIR: ownDir } : {}), ...env, ...(options.host ? { HOST: host } : {}), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  started.add(child)
  const keep = (d) => {
    log += d
    if (log.length > logLimit) log = log.slice(-Math.floor(logLimit / 2))
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  // 'close', not 'exit': by then the output pipes are drained, so a crash's last words are in the log.
  const exited = new Promise(done => child.once('close', done)).then(() => {
    started.delete(child)
    if (ownDir) {
      rmSync(ownDir, { recursive: true, force: true })
      ownDataDirs.delete(ownDir)
    }
  })
  const alive = () => child.exitCode === null && child.signalCode === null
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone and its own data dir removed. */
  const stop = async () => {
    if (alive()) {
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    }
    await exited
  }
  const kill = async (signal = 'SIGKILL') => {
    if (alive()) child.kill(signal)
    await exited
  }

  const url = `http://${host}:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!alive()) {
      await exited
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${log.slice(-5000)}`)
    }
    if (await fetch(url + healthPath).then(r => r.ok, () => false)) break
    if (Date.now() > deadline) {
      await kill()
      throw new Error(`${name} did not become healthy within ${timeoutMs / 1000} s:\n${log.slice(-5000)}`)
    }
    await new Promise(r => setTimeout(r, 150))
  }
  return { name, url, port, pid: /** @type {number} */ (child.pid), process: child, output: () => log, alive, stop, kill }
}
