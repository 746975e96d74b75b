#!/usr/bin/env node
// Compares the Socket.IO Redis adapters across two built instances sharing Postgres and Redis:
//   SOCKET_ADAPTER=redis          @socket.io/redis-adapter (pub/sub)
//   SOCKET_ADAPTER=redis-streams  @socket.io/redis-streams-adapter (one Redis stream)
// For each adapter (rounds interleaved): reset the bench database, start instance A and B, connect
// PAIRS senders to A and PAIRS receivers to B (one conversation per pair), then measure:
//   messages@rate   message:send at a fixed total RATE/s for SECONDS: send -> message:new on B
//   messages max    closed loop (next send after ack) for SECONDS: delivered messages/s, latency
//   typing max      typing:start/stop, next after delivery on B: pure adapter path (no database)
// Usage: node scripts/bench-adapters.mjs [--pairs 10] [--seconds 8] [--rate 50] [--rounds 3]
// Needs a build (NUXT_OUTPUT_DIR or .output) and scripts/services-up.sh (run here if needed).
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { Redis } from 'ioredis'
import { io } from 'socket.io-client'
import { outputDir as resolveOutputDir, serverEntry, servicesUp, startInstance } from '../test/support/instance.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '8' },
    rate: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    adapters: { type: 'string', default: 'redis,redis-streams' }
  }
})
const PAIRS = Number(args.pairs)
const SECONDS = Number(args.seconds)
const RATE = Number(args.rate)
const ROUNDS = Number(args.rounds)
const ADAPTERS = args.adapters.split(',')
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://chat:chat@127.0.0.1:54329/chat_bench'
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:63790/2'
const outputDir = resolveOutputDir()
const entry = serverEntry(outputDir)

const sleep = ms => new Promise(r => setTimeout(r, ms))
const log = (...a) => console.error('[bench]', ...a)
const pct = (values, p) => {
  if (!values.length) return NaN
  const s = [...values].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

/** CPU time (ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10 // utime + stime in 10 ms ticks
  } catch { return NaN }
}
const redisPid = () => { try { return Number(readFileSync('/var/tmp/chat-redis/redis.pid', 'utf8')) } catch { return NaN } }

async function api(base, method, path, token, body) {
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

async function signUp(base, name) {
  const email = `bench-${name}-${randomUUID().slice(0, 8)}@bench.local`
  const r = await api(base, 'POST', '/api/auth/local/signup', undefined, { email, password: 'bench-password', displayName: name })
  return { token: r.accessToken, user: r.user }
}

function connect(base, session) {
  const socket = io(base, { auth: { token: session.token }, transports: ['websocket'], reconnection: false, forceNew: true })
  return new Promise((res, rej) => {
    socket.once('connect', () => res(socket))
    socket.once('connect_error', rej)
  })
}

async function reset() {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
  await sql.unsafe('drop schema if exists drizzle cascade; drop schema if exists public cascade; create schema public;')
  await sql.end({ timeout: 5 })
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 })
  await redis.flushdb()
  redis.disconnect()
}

/** Sets up PAIRS (sender on A, receiver on B, one conversation each). */
async function setupPairs(A, B) {
  const owner = await signUp(A, 'owner')
  const { project } = await api(A, 'POST', '/api/projects', owner.token, { name: 'bench' })
  const pairs = []
  for (let i = 0; i < PAIRS; i++) {
    const [s, r] = await Promise.all([signUp(A, `s${i}`), signUp(B, `r${i}`)])
    for (const u of [s, r]) {
      // Strangers to the owner are invited; each accepts with their own session.
      const { member } = await api(A, 'POST', `/api/projects/${project.id}/members`, owner.token, { email: u.user.email, role: 'member' })
      if (member.status === 'invited') await api(A, 'POST', `/api/invitations/${member.invitation.id}/accept`, u.token)
    }
    const { conversation } = await api(A, 'POST', `/api/projects/${project.id}/conversations`, s.token, { title: `pair ${i}`, type: 'group', participantIds: [r.user.id] })
    const [sender, receiver] = await Promise.all([connect(A, s), connect(B, r)])
    pairs.push({ conversationId: conversation.id, sender, receiver })
  }
  return pairs
}

/** message:send from A; latency until message:new on B. Open loop at `rate`/s, or closed loop (after ack) when rate is 0. */
async function messagesPhase(pairs, rate) {
  const pending = new Map()
  const latencies = []
  let errors = 0
  let sent = 0
  const listeners = pairs.map(({ receiver }) => {
    const fn = ({ message }) => {
      const t = pending.get(message.clientId)
      if (t !== undefined) { latencies.push(performance.now() - t); pending.delete(message.clientId) }
    }
    receiver.on('message:new', fn)
    return () => receiver.off('message:new', fn)
  })
  const sendOne = async (pair) => {
    const clientId = randomUUID()
    pending.set(clientId, performance.now())
    sent++
    const ack = await pair.sender.timeout(15000).emitWithAck('message:send', { clientId, conversationId: pair.conversationId, content: `bench ${sent}` }).catch(() => ({ ok: false }))
    if (!ack.ok) { errors++; pending.delete(clientId) }
  }
  const started = performance.now()
  const end = started + SECONDS * 1000
  if (rate > 0) {
    const interval = 1000 / rate
    const inflight = []
    for (let i = 0; performance.now() < end; i++) {
      const due = started + i * interval
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      inflight.push(sendOne(pairs[i % pairs.length]))
    }
    await Promise.all(inflight)
  } else {
    await Promise.all(pairs.map(async (pair) => { while (performance.now() < end) await sendOne(pair) }))
  }
  const deadline = performance.now() + 5000
  while (pending.size && performance.now() < deadline) await sleep(20)
  const elapsed = (performance.now() - started) / 1000
  listeners.forEach(off => off())
  return { sent, delivered: latencies.length, lost: pending.size, errors, perSecond: latencies.length / elapsed, median: pct(latencies, 50), p99: pct(latencies, 99), latencies }
}

/** typing:start/stop from A, next one after delivery on B: the adapter path without the database. */
async function typingPhase(pairs) {
  const latencies = []
  let lost = 0
  const started = performance.now()
  const end = started + SECONDS * 1000
  await Promise.all(pairs.map(async ({ sender, receiver, conversationId }) => {
    let typing = false
    while (performance.now() < end) {
      typing = !typing
      const t0 = performance.now()
      const got = new Promise((res) => {
        const timer = setTimeout(() => { receiver.off('typing:update', fn); res(false) }, 5000)
        const fn = (p) => {
          if (p.conversationId !== conversationId || p.isTyping !== typing) return
          clearTimeout(timer); receiver.off('typing:update', fn); res(true)
        }
        receiver.on('typing:update', fn)
      })
      sender.emit(typing ? 'typing:start' : 'typing:stop', { conversationId })
      if (await got) latencies.push(performance.now() - t0)
      else lost++
    }
  }))
  const elapsed = (performance.now() - started) / 1000
  return { delivered: latencies.length, lost, perSecond: latencies.length / elapsed, median: pct(latencies, 50), p99: pct(latencies, 99), latencies }
}

async function runOne(adapter) {
  await reset()
  const env = {
    DATABASE_URL, REDIS_URL, SOCKET_ADAPTER: adapter,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'chat-bench-')),
    CHAT_RATE_LIMIT_PER_MINUTE: '100000000',
    INVITATIONS_PER_HOUR: '100000000'
  }
  const [A, B] = await Promise.all([startInstance({ name: 'adapters-a', outputDir, env }), startInstance({ name: 'adapters-b', outputDir, env })])
  try {
    const pairs = await setupPairs(A.url, B.url)
    await messagesPhase(pairs.slice(0, 2), 20) // warm-up (JIT, pools)
    // CPU of both instances and of redis-server per 1000 delivered events: robust to a busy machine.
    const measured = async (run) => {
      const pids = [A.pid, B.pid, redisPid()]
      const before = pids.map(cpuMs)
      const r = await run()
      const used = pids.map((pid, i) => cpuMs(pid) - before[i])
      return { ...r, appCpuMsPer1k: (used[0] + used[1]) / r.delivered * 1000, redisCpuMsPer1k: used[2] / r.delivered * 1000 }
    }
    const atRate = await measured(() => messagesPhase(pairs, RATE))
    const max = await measured(() => messagesPhase(pairs, 0))
    const typing = await measured(() => typingPhase(pairs))
    for (const p of pairs) { p.sender.close(); p.receiver.close() }
    return { adapter, atRate, max, typing }
  } finally {
    await Promise.all([A.stop(), B.stop()])
  }
}

if (!existsSync(entry)) {
  log(`no build at ${entry}: run NUXT_OUTPUT_DIR=${process.env.NUXT_OUTPUT_DIR || '.output'} npx nuxt build first`)
  process.exit(1)
}
servicesUp()

log(`pairs ${PAIRS}, ${SECONDS} s per phase, fixed rate ${RATE}/s, ${ROUNDS} round(s), adapters ${ADAPTERS.join(' vs ')}`)
const runs = []
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...ADAPTERS].reverse() : ADAPTERS
  for (const adapter of order) {
    log(`round ${round + 1}: ${adapter}`)
    const r = await runOne(adapter)
    runs.push(r)
    log(`  messages@${RATE}/s median ${r.atRate.median.toFixed(1)} p99 ${r.atRate.p99.toFixed(1)} | max ${r.max.perSecond.toFixed(0)}/s median ${r.max.median.toFixed(1)} p99 ${r.max.p99.toFixed(1)} cpu/1k ${r.max.appCpuMsPer1k.toFixed(0)}+${r.max.redisCpuMsPer1k.toFixed(0)} | typing ${r.typing.perSecond.toFixed(0)}/s median ${r.typing.median.toFixed(2)} p99 ${r.typing.p99.toFixed(2)} cpu/1k ${r.typing.appCpuMsPer1k.toFixed(0)}+${r.typing.redisCpuMsPer1k.toFixed(0)}`)
  }
}

const med = xs => pct(xs, 50)
const summary = Object.fromEntries(ADAPTERS.map((adapter) => {
  const rs = runs.filter(r => r.adapter === adapter)
  // Latency percentiles over every sample of every round; rates and CPU as the median of rounds.
  const agg = (k) => {
    const all = rs.flatMap(r => r[k].latencies)
    return {
      median: pct(all, 50), p99: pct(all, 99), samples: all.length,
      perSecond: med(rs.map(r => r[k].perSecond)),
      appCpuMsPer1k: med(rs.map(r => r[k].appCpuMsPer1k)), redisCpuMsPer1k: med(rs.map(r => r[k].redisCpuMsPer1k)),
      lost: rs.reduce((n, r) => n + r[k].lost, 0), errors: rs.reduce((n, r) => n + (r[k].errors ?? 0), 0)
    }
  }
  return [adapter, { atRate: agg('atRate'), max: agg('max'), typing: agg('typing') }]
}))
for (const r of runs) for (const k of ['atRate', 'max', 'typing']) delete r[k].latencies
const f = (v, d = 1) => Number.isFinite(v) ? v.toFixed(d) : '-'
const rows = [
  ['', ...ADAPTERS],
  [`messages @${RATE}/s  median ms`, ...ADAPTERS.map(a => f(summary[a].atRate.median))],
  [`messages @${RATE}/s  p99 ms`, ...ADAPTERS.map(a => f(summary[a].atRate.p99))],
  ['messages max     msg/s', ...ADAPTERS.map(a => f(summary[a].max.perSecond, 0))],
  ['messages max     median ms', ...ADAPTERS.map(a => f(summary[a].max.median))],
  ['messages max     p99 ms', ...ADAPTERS.map(a => f(summary[a].max.p99))],
  ['typing (no db)   events/s', ...ADAPTERS.map(a => f(summary[a].typing.perSecond, 0))],
  ['typing (no db)   median ms', ...ADAPTERS.map(a => f(summary[a].typing.median, 2))],
  ['typing (no db)   p99 ms', ...ADAPTERS.map(a => f(summary[a].typing.p99, 2))],
  ['CPU ms/1k msgs   A+B (max)', ...ADAPTERS.map(a => f(summary[a].max.appCpuMsPer1k, 0))],
  ['CPU ms/1k msgs   redis (max)', ...ADAPTERS.map(a => f(summary[a].max.redisCpuMsPer1k, 0))],
  ['CPU ms/1k typing A+B', ...ADAPTERS.map(a => f(summary[a].typing.appCpuMsPer1k, 0))],
  ['CPU ms/1k typing redis', ...ADAPTERS.map(a => f(summary[a].typing.redisCpuMsPer1k, 0))],
  ['lost / errors (all phases)', ...ADAPTERS.map(a => `${summary[a].atRate.lost + summary[a].max.lost + summary[a].typing.lost} / ${summary[a].atRate.errors + summary[a].max.errors}`)]
]
const widths = rows[0].map((_, i) => Math.max(...rows.map(r => String(r[i]).length)))
console.log(`\nSocket.IO adapters, 2 instances, ${PAIRS} cross-instance pairs, ${SECONDS} s phases, ${ROUNDS} round(s): latency percentiles over all samples, rates/CPU median of rounds; load avg ${loadavg().map(x => x.toFixed(1)).join(' ')}`)
for (const r of rows) console.log(r.map((c, i) => i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])).join('   '))
mkdirSync(join(root, 'test-output'), { recursive: true })
writeFileSync(join(root, 'test-output', 'bench-adapters.json'), JSON.stringify({ date: new Date().toISOString(), pairs: PAIRS, seconds: SECONDS, rate: RATE, rounds: ROUNDS, summary, runs }, null, 2))
log('written test-output/bench-adapters.json')
process.exit(0)
