// The driver's main thread: plans the virtual users, starts the worker threads, optionally kills
// an instance mid-run, merges what the workers measured, audits the deliveries and checks the
// profile's thresholds. load/run.mjs is the command line around it.
import { Worker } from 'node:worker_threads'
import { cpus } from 'node:os'
import { Metrics } from './metrics.mjs'
import { auditDeliveries } from './audit.mjs'

/**
 * @typedef {object} DriverConfig
 * @property {import('./profiles.mjs').Profile} profile
 * @property {string[]} instances
 * @property {import('./worker.mjs').WorkerInput['fixture']} fixture
 * @property {number} [workers]
 * @property {'ws' | 'socket.io-client'} [transport]
 * @property {Partial<import('./worker.mjs').WorkerInput['settings']>} [settings]
 * @property {{ pid: number, atS: number } | null} [kill]     SIGKILL this process atS seconds into the load
 * @property {(msg: string) => void} [log]
 */

const DEFAULT_SETTINGS = { ackTimeoutMs: 10000, drainMs: 3000, gapGraceMs: 2000, selftestDrop: 0, selftestHide: 0, retryRatio: 0.03, editRatio: 0.05, deleteRatio: 0.02, typingRatio: 1, audit: true }

/**
 * The virtual users of a profile: socket members take fixture users 0, 1, 2, … (hot ones from the
 * hot room, which holds the first 500), REST users come from the end; instance n % len, as in k6.
 * @param {import('./profiles.mjs').Profile} p @param {number} userCount @param {number} instanceCount
 * @returns {import('./worker.mjs').Vu[]}
 */
export function planVus(p, userCount, instanceCount) {
  /** @type {import('./worker.mjs').Vu[]} */
  const vus = []
  let next = 0
  /** @param {import('./worker.mjs').Vu['kind']} kind @param {number} n @param {(i: number) => number} [userOf] */
  const add = (kind, n, userOf) => {
    for (let i = 0; i < n; i++) {
      const id = vus.length
      vus.push({ kind, label: `${kind}${i}`, userIndex: userOf ? userOf(i) : next++ % userCount, home: id % instanceCount })
    }
  }
  add('chat', p.chat.members)
  add('storm', p.storm.members)
  const hotSize = Math.min(500, userCount)
  add('hotListener', p.hot.listeners, () => next++ % hotSize)
  add('hotSender', p.hot.senders, () => next++ % hotSize)
  add('history', p.history.vus, i => userCount - 1 - i)
  add('search', p.search.vus, i => userCount - 1 - p.history.vus - i)
  return vus
}

/** @param {DriverConfig} config */
export async function runLoad(config) {
  const { profile, instances, fixture } = config
  const log = config.log ?? (msg => console.log(`[load] ${msg}`))
  const settings = { ...DEFAULT_SETTINGS, ...config.settings }
  const vus = planVus(profile, fixture.users.length, instances.length)
  const socketVus = vus.filter(v => v.kind !== 'history' && v.kind !== 'search').length
  const workerCount = Math.max(1, Math.min(config.workers ?? Math.min(4, cpus().length), socketVus || 1))
  const shares = Array.from({ length: workerCount }, () => /** @type {typeof vus} */ ([]))
  vus.forEach((vu, i) => shares[i % workerCount]?.push(vu))
  const chatTotal = vus.filter(v => v.kind === 'chat').length || 1

  const cpuStart = process.cpuUsage()
  const t0 = Date.now()
  log(`profile ${profile.name}: ${vus.length} virtual users (${socketVus} sockets) on ${instances.join(', ')}, ${workerCount} worker thread(s), ${profile.durationS} s, transport ${config.transport ?? 'ws'}`)
  const workers = shares.map((share, index) => new Worker(new URL('./worker.mjs', import.meta.url), {
    workerData: /** @type {import('./worker.mjs').WorkerInput} */ ({
      index, profile, fixture, instances, vus: share, chatShare: share.filter(v => v.kind === 'chat').length / chatTotal, t0, transport: config.transport ?? 'ws', settings
    })
  }))
  /** @type {Promise<any>[]} */
  const done = []
  /** @type {Promise<any>[]} */
  const ready = []
  for (const w of workers) {
    /** @type {(v: any) => void} */ let onReady = () => {}
    /** @type {(v: any) => void} */ let onDone = () => {}
    /** @type {(e: Error) => void} */ let failReady = () => {}
    ready.push(new Promise((resolve, reject) => { onReady = resolve; failReady = reject }))
    done.push(new Promise((resolve, reject) => {
      onDone = resolve
      /** @param {Error} error */
      const fail = (error) => {
        failReady(error)
        reject(error)
      }
      w.once('error', fail)
      w.once('exit', code => fail(new Error(`worker exited ${code} before reporting`)))
    }))
    w.on('message', (m) => {
      if (m.type === 'log') log(m.msg)
      else if (m.type === 'ready') onReady(m)
      else if (m.type === 'done') onDone(m)
    })
  }
  const readies = await Promise.all(ready)
  const connected = readies.reduce((n, r) => n + r.sessions, 0)
  const connectCpu = process.cpuUsage(cpuStart)
  log(`${connected}/${socketVus} sessions connected in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const startAt = Date.now() + 500
  const endAt = startAt + profile.durationS * 1000
  for (const w of workers) w.postMessage({ startAt, endAt })
  const cpuLoadStart = process.cpuUsage()

  /** @type {NodeJS.Timeout | undefined} */
  let killTimer
  let killedAt = null
  if (config.kill) {
    const { pid, atS } = config.kill
    killTimer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL')
        killedAt = Date.now()
        log(`SIGKILL instance pid ${pid} ${atS} s into the load`)
      } catch (error) {
        log(`could not kill pid ${pid}: ${/** @type {Error} */ (error).message}`)
      }
    }, startAt - Date.now() + atS * 1000)
  }

  const results = await Promise.all(done)
  clearTimeout(killTimer)
  for (const w of workers) void w.terminate()
  const cpuLoad = process.cpuUsage(cpuLoadStart)
  const metrics = new Metrics(startAt)
  for (const r of results) metrics.merge(r.metrics)
  const acked = results.flatMap(r => r.acked)
  const members = results.flatMap(r => r.members)
  const audit = auditDeliveries(acked, members)
  const unaudited = members.filter(m => !m.audited).length
  return { profile, instances, workers: workerCount, transport: config.transport ?? 'ws', startAt, endAt, killedAt, connected, socketVus, metrics, audit, unaudited,
    cpu: { connectMs: (connectCpu.user + connectCpu.system) / 1000, loadMs: (cpuLoad.user + cpuLoad.system) / 1000 } }
}

/** @typedef {Awaited<ReturnType<typeof runLoad>>} LoadResult */

/**
 * The figures of a run and its thresholds (a crossed one fails the run).
 * @param {LoadResult} r
 */
export function summarize(r) {
  const m = r.metrics
  const c = m.counts
  const seconds = (r.endAt - r.startAt) / 1000
  const lost = c.lost + r.audit.missing
  const duplicates = c.duplicates + r.audit.duplicateAcks
  const errorRate = c.ops ? c.errors / c.ops : 0
  const trends = Object.fromEntries(Object.entries(m.trends).map(([k, h]) => [k, h.summary()]))
  const l = r.profile.limits
  const p = r.profile
  const sockets = p.chat.members + p.storm.members + p.hot.listeners + p.hot.senders > 0
  const sends = p.chat.members + p.hot.senders > 0
  /** @type {{ name: string, value: number, limit: string, ok: boolean }[]} */
  const thresholds = []
  /** @param {string} name @param {number} value @param {string} op @param {number} limit */
  const t = (name, value, op, limit) => {
    const ok = op === '<' ? value < limit : op === '==' ? value === limit : value > limit
    thresholds.push({ name, value: Math.round(value * 1000) / 1000, limit: `${op} ${limit}`, ok: Number.isFinite(value) && ok })
  }
  t('errors (rate)', errorRate, '<', l.errorRate)
  if (sockets) {
    t('lost', lost, '==', 0)
    t('duplicates', duplicates, '==', 0)
    t('sessions connected', r.connected, '==', r.socketVus)
    t('sessions without a final audit', r.unaudited, '==', 0)
  }
  if (sends) {
    t('send→ack p95 ms', m.trends.sendAck.percentile(95), '<', l.ackP95)
    t('send→ack p99 ms', m.trends.sendAck.percentile(99), '<', l.ackP99)
    t('send→deliver p95 ms', m.trends.deliver.percentile(95), '<', l.deliverP95)
    t('send→deliver p99 ms', m.trends.deliver.percentile(99), '<', l.deliverP99)
    t('messages acked', c.sent, '>', 0)
    t('deliveries', c.received, '>', 0)
  }
  if (p.storm.members && m.trends.reconnect.n) t('reconnect p95 ms', m.trends.reconnect.percentile(95), '<', l.reconnectP95)
  if (p.history.vus) t('history page p95 ms', m.trends.history.percentile(95), '<', l.historyP95)
  const cpuMs = r.cpu.loadMs
  return {
    profile: p.name,
    instances: r.instances,
    workers: r.workers,
    transport: r.transport,
    durationS: seconds,
    killedAtS: r.killedAt ? (r.killedAt - r.startAt) / 1000 : null,
    ok: thresholds.every(x => x.ok),
    lost,
    duplicates,
    lostDetail: { unexplainedCounterValues: c.lost, ackedButMissing: r.audit.missing, examples: r.audit.examples },
    duplicateDetail: { deliveredTwice: c.duplicates, clientIdStoredTwice: r.audit.duplicateAcks },
    auditedDeliveries: r.audit.expected,
    counts: c,
    ratePerS: { acked: c.sent / seconds, deliveries: c.received / seconds },
    errorRate,
    errorsByCode: m.errorsByCode,
    latencyMs: trends,
    driverCpu: {
      loadMs: Math.round(cpuMs),
      connectMs: Math.round(r.cpu.connectMs),
      msPerMessage: c.sent ? cpuMs / c.sent : null,
      usPerDelivery: c.received ? (cpuMs / c.received) * 1000 : null,
      cores: cpuMs / 1000 / seconds
    },
    thresholds,
    series: [...m.series].sort((a, b) => a[0] - b[0]).map(([s, v]) => ({
      s, acks: v.acks.n, ackP50: round(v.acks.percentile(50)), ackP99: round(v.acks.percentile(99)),
      deliveries: v.deliver.n, deliverP50: round(v.deliver.percentile(50)), deliverP99: round(v.deliver.percentile(99)), errors: v.errors
    })),
    bins: { sendAck: m.trends.sendAck.bins(60), deliver: m.trends.deliver.bins(60) }
  }
}

/** @param {number} v */
const round = v => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null)

/** @typedef {ReturnType<typeof summarize>} Summary */
