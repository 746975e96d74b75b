// A throw-away PostgreSQL cluster and Redis server of a run's own (load/fault.mjs), on free
// loopback ports, that the run may stop and start at will: the shared services (5432, and
// scripts/services-up.sh's 54329 / 63790) are other people's and are never touched. Binaries are
// found as scripts/services-up.sh finds them; Postgres runs as the `postgres` user. Every control
// call is asynchronous, so a run's event loop keeps timing replies while a server stops or starts.
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { freePort } from './instances.mjs'

/** Ports that belong to the machine's and the project's shared services. */
const SHARED_PORTS = new Set([5432, 6379, 54329, 63790])

/** A free loopback port that is none of the shared services'. */
export async function ownPort() {
  for (;;) {
    const port = /** @type {number} */ (await freePort())
    if (!SHARED_PORTS.has(port)) return port
  }
}

/** The PostgreSQL bin directory: 15 as services-up.sh uses, else the newest installed. */
function pgBin() {
  const root = '/usr/lib/postgresql'
  if (existsSync(join(root, '15', 'bin', 'pg_ctl'))) return join(root, '15', 'bin')
  const versions = existsSync(root) ? readdirSync(root).filter(v => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a)) : []
  if (!versions[0]) throw new Error(`no PostgreSQL under ${root}: run scripts/services-up.sh once to install it`)
  return join(root, versions[0], 'bin')
}

/** The command line that runs `cmd` as the postgres user (initdb and postgres refuse to run as root). */
function asPostgres(/** @type {string} */ cmd, /** @type {string[]} */ args) {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()
  if (!uid) throw new Error('there is no postgres user: run scripts/services-up.sh once to install PostgreSQL')
  if (String(process.getuid?.()) === uid) return { cmd, args }
  if (process.getuid?.() !== 0) throw new Error('starting a scratch PostgreSQL needs root or the postgres user')
  return { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] }
}

/**
 * Runs a command to its end without blocking the event loop; rejects with its output on failure.
 * @param {string} cmd @param {string[]} args @param {number} [timeoutMs]
 * @returns {Promise<string>}
 */
function run(cmd, args, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    // stdin/stdout ignored: a daemon started by the command must not hold our pipes open.
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => { err += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(err)
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))
    })
  })
}

/**
 * @typedef {object} ScratchPostgres
 * @property {number} port
 * @property {string} dir                       its temp dir (data and socket): what a later run removes if this one was killed
 * @property {(db: string, host?: string) => string} url   a connection URL for database `db` (trust auth, user postgres; host 127.0.0.1 or one of `listen`)
 * @property {() => Promise<void>} stop         `pg_ctl stop -m fast`: clients are disconnected at once
 * @property {() => Promise<void>} start        `pg_ctl start -w`
 * @property {() => void} destroy               stops it hard and removes its files (synchronous: for exit handlers)
 */

/**
 * initdb into a temp dir and start it on a free port.
 * @param {{ log?: (msg: string) => void, listen?: string[] }} [options]
 *   listen: addresses to listen on besides 127.0.0.1 (network namespaces' veths); clients on
 *   their subnets are trusted like loopback ones
 * @returns {Promise<ScratchPostgres>}
 */
export async function startScratchPostgres({ log = () => {}, listen = [] } = {}) {
  const bin = pgBin()
  const port = await ownPort()
  const dir = mkdtempSync(join(tmpdir(), 'chat-scratch-pg-'))
  const data = join(dir, 'data')
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres:postgres', dir])
  const pg = (/** @type {string} */ tool, /** @type {string[]} */ args, timeoutMs = 60_000) => {
    const c = asPostgres(join(bin, tool), args)
    return run(c.cmd, c.args, timeoutMs)
  }
  let destroyed = false
  const destroy = () => {
    if (destroyed) return
    destroyed = true
    destroyScratchPostgres(dir)
  }
  try {
    // Trust on loopback: a throw-away cluster nobody else knows the port of.
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'])
    appendFileSync(join(data, 'postgresql.conf'), [
      '', '# scratch cluster (load/lib/scratch-services.mjs)',
      `listen_addresses = '${['127.0.0.1', ...listen].join(',')}'`, `port = ${port}`, `unix_socket_directories = '${dir}'`,
      // Durability across a crash is not what is tested; a clean fast shutdown still checkpoints.
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off',
      'max_connections = 60', 'shared_buffers = 32MB', 'logging_collector = off', ''
    ].join('\n'))
    if (listen.length) appendFileSync(join(data, 'pg_hba.conf'), '\nhost all all samenet trust\n')
    const start = async () => { await pg('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', 'start']) }
    await start()
    log(`scratch PostgreSQL on 127.0.0.1:${port} (${dir})`)
    return {
      port,
      dir,
      url: (db, host = '127.0.0.1') => `postgres://postgres@${host}:${port}/${db}`,
      stop: async () => { await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']) },
      start,
      destroy
    }
  } catch (error) {
    destroy()
    throw error
  }
}

/**
 * Stops a scratch cluster hard (if it runs) and removes its dir: for destroy(), and for a run
 * that finds the dir of a predecessor that was killed before it could clean up.
 * @param {string} dir
 */
export function destroyScratchPostgres(dir) {
  const data = join(dir, 'data')
  if (existsSync(join(data, 'postmaster.pid'))) {
    const c = asPostgres(join(pgBin(), 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
    spawnSync(c.cmd, c.args, { stdio: 'ignore', timeout: 20_000 })
  }
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Resolves the time (ms since epoch) the database first answers `select 1`, asking every 20 ms.
 * Its own client with no reconnect backoff, so the time is the server's, not the driver's.
 * @param {string} url @param {number} timeoutMs
 */
export async function whenPostgresAnswers(url, timeoutMs) {
  const sql = postgres(url, { max: 1, connect_timeout: 1, backoff: () => 0, idle_timeout: 1, onnotice: () => {} })
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      try {
        await sql`select 1`
        return Date.now()
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not answer within ${timeoutMs} ms`, { cause: error })
        await new Promise(r => setTimeout(r, 20))
      }
    }
  } finally {
    await sql.end({ timeout: 0 })
  }
}

/** True when a Redis server answers PING on the port. @param {number} port */
function redisPing(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', d => done(String(d).startsWith('+PONG')))
  })
}

/**
 * @typedef {object} ScratchRedis
 * @property {number} port
 * @property {string} url
 * @property {string} dir
 * @property {() => number | undefined} pid    the running server's
 * @property {() => Promise<void>} stop        SIGTERM, resolved once the process is gone
 * @property {() => Promise<void>} start       a new server on the same port, resolved once it answers PING
 * @property {() => void} destroy              SIGKILL and remove its dir (synchronous)
 */

/**
 * A redis-server child process (not daemonized: this process owns its pid) without persistence.
 * @param {{ log?: (msg: string) => void, bind?: string[] }} [options]
 *   bind: addresses to listen on besides 127.0.0.1 (network namespaces' veths)
 * @returns {Promise<ScratchRedis>}
 */
export async function startScratchRedis({ log = () => {}, bind = [] } = {}) {
  const port = await ownPort()
  const dir = mkdtempSync(join(tmpdir(), 'chat-scratch-redis-'))
  mkdirSync(dir, { recursive: true })
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null
  const start = async () => {
    const proc = spawn('redis-server', ['--bind', ['127.0.0.1', ...bind].join(' '), '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', bind.length ? 'no' : 'yes'], { stdio: 'ignore' })
    child = proc
    const deadline = Date.now() + 10_000
    while (!(await redisPing(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on ${port} did not start (exit ${proc.exitCode})`)
      await new Promise(r => setTimeout(r, 20))
    }
  }
  const stop = async () => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise(r => proc.once('exit', r))
    proc.kill('SIGTERM')
    await gone
  }
  const destroy = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  await start()
  log(`scratch Redis on 127.0.0.1:${port}`)
  return { port, url: `redis://127.0.0.1:${port}`, dir, pid: () => child?.pid, stop, start, destroy }
}
