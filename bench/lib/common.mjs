// Shared helpers of the benchmark harness: services, database reset, server processes, fixtures
// written straight into Postgres, tokens, CPU/RSS sampling, percentiles.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { Redis } from 'ioredis'
import { SignJWT } from 'jose'
import { ROOT, outputDir as resolveOutputDir, serverEntry, servicesUp, startInstance } from '../../test/support/instance.mjs'

export { ROOT, servicesUp }
export const BENCH_DIR = join(ROOT, 'bench')
export const RESULTS_DIR = join(BENCH_DIR, 'results')
// A database of its own: chat_bench is also reset by scripts/bench-adapters.mjs, which other people
// run at the same time on this machine; a schema dropped mid-run ruins a measurement.
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://chat:chat@127.0.0.1:54329/chat_perf'
export const DATABASE_NAME = new URL(DATABASE_URL).pathname.slice(1)
// Redis db 7 is the benchmark's own (tests use 1, scripts/bench-adapters.mjs uses 2).
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:63790/7'
export const OUTPUT_DIR = resolveOutputDir(process.env.NUXT_OUTPUT_DIR || '.output-bench')
export const SERVER_ENTRY = serverEntry(OUTPUT_DIR)
// Tokens are signed by the harness with the same secret the servers are started with.
// Random per run: a production server refuses a guessable LOCAL_JWT_SECRET.
export const JWT_SECRET = process.env.BENCH_JWT_SECRET ?? randomBytes(32).toString('base64url')

export const sleep = ms => new Promise(r => setTimeout(r, ms))
export const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a)
export const load = () => loadavg().map(x => Number(x.toFixed(2)))

export function pct(values, p) {
  if (!values.length) return NaN
  const s = Float64Array.from(values).sort()
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}
export const median = xs => pct(xs.filter(Number.isFinite), 50)

/** Rounds for tables. */
export const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–')

/** CPU time (ms) of a process so far (utime+stime), from /proc. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch { return NaN }
}

/** Resident set size (bytes) of a process, from /proc. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : NaN
  } catch { return NaN }
}

/** Pids of the Postgres backends serving the benchmark database (their process title names it). */
export function benchBackendPids() {
  const out = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8')
      if (cmd.startsWith('postgres: ') && cmd.includes(` ${DATABASE_NAME} `)) out.push(Number(d))
    } catch { /* gone */ }
  }
  return out
}

export function redisPid() {
  try { return Number(readFileSync('/var/tmp/chat-redis/redis.pid', 'utf8')) } catch { return NaN }
}

/** Busy CPU time of the whole machine so far (ms, all cores), from /proc/stat. */
export function machineBusyMs() {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
  const n = v.map(Number) // user nice system idle iowait irq softirq steal
  return (n[0] + n[1] + n[2] + n[5] + n[6] + n[7]) * 10
}

/**
 * CPU meter over a set of processes: call stop() to get ms of CPU each used. Postgres backends of
 * the benchmark database are polled every 250 ms, so short-lived connections (pgbench) count as
 * well; meter.track(name, pid) polls a short-lived process (the load driver, pgbench) the same way.
 * `others` is the CPU the rest of the machine used meanwhile (other people's builds and tests):
 * machine busy time minus everything metered here, in cores.
 */
export function cpuMeter(named) {
  const before = Object.fromEntries(Object.entries(named).map(([k, pid]) => [k, cpuMs(pid)]))
  const pg = new Map() // pid → { start, last }
  const tracked = new Map() // name → { pid, last }
  const poll = (initial) => {
    for (const pid of benchBackendPids()) {
      const now = cpuMs(pid)
      if (!Number.isFinite(now)) continue
      const e = pg.get(pid)
      if (e) e.last = now
      else pg.set(pid, { start: initial ? now : 0, last: now })
    }
    for (const e of tracked.values()) {
      const now = cpuMs(e.pid)
      if (Number.isFinite(now)) e.last = now
    }
  }
  poll(true)
  const timer = setInterval(() => poll(false), 250)
  const busy0 = machineBusyMs()
  const t0 = performance.now()
  const stop = () => {
    clearInterval(timer)
    poll(false)
    const out = {}
    for (const [k, pid] of Object.entries(named)) out[k] = cpuMs(pid) - before[k]
    for (const [k, e] of tracked) out[k] = e.last
    out.postgres = [...pg.values()].reduce((n, e) => n + e.last - e.start, 0)
    out.wallMs = performance.now() - t0
    const mine = Object.entries(out).filter(([k, v]) => k !== 'wallMs' && Number.isFinite(v)).reduce((n, [, v]) => n + v, 0)
    out.othersCores = (machineBusyMs() - busy0 - mine) / out.wallMs
    return out
  }
  stop.track = (name, pid) => tracked.set(name, { pid, last: 0 })
  return stop
}

/** Counters of pg_stat_database for the benchmark database (commits, rows inserted/fetched). */
export async function dbStats() {
  const db = sql({ max: 1 })
  const [row] = await db`select xact_commit::float8 as commits, tup_inserted::float8 as inserted, tup_fetched::float8 as fetched, tup_updated::float8 as updated from pg_stat_database where datname = current_database()`
  await db.end({ timeout: 5 })
  return row
}

export function sql(opts = {}) {
  return postgres(DATABASE_URL, { max: 4, onnotice: () => {}, ...opts })
}

/** Creates the benchmark database when missing (role chat has CREATEDB), drops every table, flushes Redis db 7. */
export async function resetDatabase() {
  const admin = postgres(DATABASE_URL.replace(/\/[^/]*$/, '/postgres'), { max: 1, onnotice: () => {} })
  const [exists] = await admin`select 1 from pg_database where datname = ${DATABASE_NAME}`
  if (!exists) await admin.unsafe(`create database ${DATABASE_NAME}`)
  await admin.end({ timeout: 5 })
  const db = sql({ max: 1 })
  await db.unsafe('drop schema if exists drizzle cascade; drop schema if exists public cascade; create schema public;')
  await db.end({ timeout: 5 })
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 })
  await redis.flushdb()
  redis.disconnect()
}

export function ensureBuild() {
  if (!existsSync(SERVER_ENTRY)) {
    throw new Error(`no build at ${SERVER_ENTRY}: run NUXT_BUILD_DIR=.nuxt-bench NUXT_OUTPUT_DIR=.output-bench npx nuxt build`)
  }
}

// Output kept per server: a long run's log is capped, its newest half kept.
const LOG_LIMIT = 200_000

/** Our built server (Nitro .output-bench, or `outputDir`) on Postgres + Redis, rate limit raised. */
export function startChatServer({ env = {}, nodeArgs = [], outputDir } = {}) {
  return startInstance({
    name: 'bench',
    outputDir: outputDir ? resolveOutputDir(outputDir) : OUTPUT_DIR,
    nodeArgs,
    logLimit: LOG_LIMIT,
    env: { DATABASE_URL, REDIS_URL, LOCAL_JWT_SECRET: JWT_SECRET, CHAT_RATE_LIMIT_PER_MINUTE: '1000000', ...env }
  })
}

/** bench/bare-server.mjs: socket.io on a plain http server, rooms from the fixture, no database. */
export function startBareServer(fixturePath, { nodeArgs = [] } = {}) {
  return startInstance({
    name: 'bare',
    script: join(BENCH_DIR, 'bare-server.mjs'),
    nodeArgs,
    healthPath: '/health',
    dataDir: false,
    logLimit: LOG_LIMIT,
    env: { BENCH_FIXTURE: fixturePath }
  })
}

/** One live session per user (auth_sessions), so tokens signed by signToken are accepted. */
export async function insertSessions(tx, users) {
  for (const u of users) u.sessionId ??= randomUUID()
  for (let i = 0; i < users.length; i += 2000) await tx`insert into auth_sessions ${tx(users.slice(i, i + 2000).map(u => ({ id: u.sessionId, user_id: u.id })))}`
}

/** A local access token of the shape the server signs (HS256, Supabase-like claims). */
export async function signToken(user, ttlSeconds = 6 * 3600) {
  return new SignJWT({
    email: user.email,
    role: 'authenticated',
    aal: 'aal1',
    // The server only accepts tokens of a live session row (see insertSessions).
    session_id: user.sessionId ?? randomUUID(),
    is_anonymous: false,
    app_metadata: { provider: 'email', role: 'member' },
    user_metadata: { display_name: user.displayName }
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('project-chat-local')
    .setAudience('authenticated')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(JWT_SECRET))
}

/**
 * Writes users, one project and rooms straight into the (migrated) database. `rooms` sizes are
 * drawn between minRoom and maxRoom; every user is in exactly one room. Returns the fixture the
 * load driver (converted, bench/lib/fanout.mjs) and the bare server read: { users: [{ id, email, displayName, token, room }], rooms: [{ id, members }] }.
 */
export async function seedFixture({ users: userCount, minRoom = 10, maxRoom = 20, prefix = 'bench' }) {
  const db = sql()
  const tag = randomUUID().slice(0, 8)
  const users = Array.from({ length: userCount }, (_, i) => ({
    id: randomUUID(), email: `${prefix}-${tag}-${i}@bench.local`, displayName: `Bench ${i}`
  }))
  const rooms = []
  for (let i = 0; i < userCount;) {
    const left = userCount - i
    let size = minRoom + Math.floor(((rooms.length * 7919) % 101) / 101 * (maxRoom - minRoom + 1))
    if (left - size < minRoom) size = left // the last room takes the remainder
    rooms.push({ id: randomUUID(), members: Array.from({ length: size }, (_, j) => i + j) })
    i += size
  }
  const projectId = randomUUID()
  await db.begin(async (tx) => {
    for (let i = 0; i < users.length; i += 2000) {
      await tx`insert into profiles ${tx(users.slice(i, i + 2000).map(u => ({ id: u.id, email: u.email, display_name: u.displayName })))}`
    }
    await insertSessions(tx, users)
    await tx`insert into projects (id, name) values (${projectId}, ${'bench-' + tag})`
    for (let i = 0; i < users.length; i += 2000) {
      await tx`insert into project_members ${tx(users.slice(i, i + 2000).map(u => ({ project_id: projectId, user_id: u.id })))}`
    }
    const convRows = rooms.map((r, k) => ({ id: r.id, project_id: projectId, type: 'group', title: `bench-room-${k}` }))
    for (let i = 0; i < convRows.length; i += 2000) await tx`insert into conversations ${tx(convRows.slice(i, i + 2000))}`
    const parts = rooms.flatMap(r => r.members.map((m, j) => ({ conversation_id: r.id, user_id: users[m].id, role: j === 0 ? 'owner' : 'member' })))
    for (let i = 0; i < parts.length; i += 2000) await tx`insert into conversation_participants ${tx(parts.slice(i, i + 2000))}`
  })
  await db.end({ timeout: 5 })
  rooms.forEach((r, k) => r.members.forEach((m) => { users[m].room = k }))
  for (const u of users) u.token = await signToken(u)
  return { projectId, users, rooms: rooms.map(r => ({ id: r.id, members: r.members })) }
}

/** Runs a child process to completion, collecting output; rejects on a timeout. */
export function run(cmd, args, { env = {}, timeoutMs = 600000, cwd = ROOT, onStart } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    onStart?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d; if (stdout.length > 400000) stdout = stdout.slice(-200000) })
    child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 400000) stderr = stderr.slice(-200000) })
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`${cmd} timed out after ${timeoutMs} ms\n${stderr.slice(-2000)}`)) }, timeoutMs)
    child.on('exit', (code) => { clearTimeout(timer); res({ code, stdout, stderr, pid: child.pid }) })
  })
}
