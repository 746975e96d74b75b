// The main thread of the mixed-workload driver: starts the worker threads (load/lib/mix-worker.mjs),
// grows the number of connected members, opens and closes measurement windows (merging what the
// workers measured, plus the driver's own CPU), and at the end closes every session and audits the
// deliveries (load/lib/audit.mjs) as every run of the load driver does.
import { Worker } from 'node:worker_threads'
import { cpus } from 'node:os'
import { auditDeliveries } from './audit.mjs'
import { Metrics } from './metrics.mjs'
import { OpStats } from './op-stats.mjs'

/**
 * @typedef {object} MixDriverOptions
 * @property {string[]} instances
 * @property {string} projectId
 * @property {import('./mix-worker.mjs').MixUser[]} users            ranked: users[n].n === n
 * @property {'members' | 'hot'} mode
 * @property {import('./mix-worker.mjs').MixWorkerInput['behaviour']} behaviour
 * @property {{ conversationId: string, sendRate: number, presenceRate: number } | null} [hot]   totals over all workers
 * @property {Partial<import('./mix-worker.mjs').MixWorkerInput['settings']>} [settings]
 * @property {number} [workers]
 * @property {(msg: string) => void} [log]
 */

/** @typedef {{ seconds: number, ops: OpStats, metrics: Metrics, events: Record<string, number>, driverLagMs: { p99: number, max: number }, sessions: number, driverCpuMs: number }} WindowResult */

export class MixDriver {
  /** @param {MixDriverOptions} o */
  constructor(o) {
    this.o = o
    this.log = o.log ?? (msg => console.log(msg))
    const count = Math.max(1, o.workers ?? Math.min(4, cpus().length))
    /** @type {Map<Worker, Map<string, ((m: any) => void)[]>>} */
    this.waiters = new Map()
    this.workers = Array.from({ length: count }, (_, index) => {
      const share = o.users.filter(u => u.n % count === index)
      const w = new Worker(new URL('./mix-worker.mjs', import.meta.url), {
        workerData: /** @type {import('./mix-worker.mjs').MixWorkerInput} */ ({
          index,
          instances: o.instances,
          projectId: o.projectId,
          users: share,
          allUserIds: o.users.map(u => u.id),
          mode: o.mode,
          behaviour: o.behaviour,
          hot: o.hot ? { ...o.hot, sendRate: o.hot.sendRate / count, presenceRate: o.hot.presenceRate / count } : null,
          settings: { ackTimeoutMs: 10000, drainMs: 3000, gapGraceMs: 2000, ...o.settings }
        })
      })
      this.waiters.set(w, new Map())
      w.on('message', (m) => {
        if (m.type === 'log') return this.log(m.msg)
        const queue = this.waiters.get(w)?.get(m.type)
        const next = queue?.shift()
        if (next) next(m)
      })
      w.on('error', error => this.log(`worker ${index} failed: ${error.stack ?? error.message}`))
      return w
    })
    this.ready = Promise.all(this.workers.map(w => this.next(w, 'ready')))
    /** @type {{ at: number, cpu: NodeJS.CpuUsage } | null} */
    this.window = null
  }

  /** The next message of `type` from worker `w`. @param {Worker} w @param {string} type @returns {Promise<any>} */
  next(w, type) {
    return new Promise((resolve) => {
      const byType = /** @type {Map<string, ((m: any) => void)[]>} */ (this.waiters.get(w))
      const queue = byType.get(type) ?? []
      queue.push(resolve)
      byType.set(type, queue)
    })
  }

  /** Sends `type` to every worker and collects each one's `reply`. @param {string} type @param {string} reply @param {Record<string, unknown>} [extra] @returns {Promise<any[]>} */
  async all(type, reply, extra = {}) {
    const answers = this.workers.map(w => this.next(w, reply))
    for (const w of this.workers) w.postMessage({ type, ...extra })
    return Promise.all(answers)
  }

  /** Connects members until the `count` lowest-ranked are in; returns the sessions open and those that failed. @param {number} count */
  async grow(count) {
    await this.ready
    const answers = await this.all('grow', 'grown', { count })
    return { sessions: answers.reduce((n, a) => n + a.sessions, 0), failed: answers.reduce((n, a) => n + a.failed, 0) }
  }

  /** Members ranked `count` or above leave (final sync, socket closed); a bisection step goes back down. @param {number} count */
  async shrink(count) {
    await this.ready
    const answers = await this.all('shrink', 'grown', { count })
    return { sessions: answers.reduce((n, a) => n + a.sessions, 0), failed: 0 }
  }

  /** Grows or shrinks to exactly the `count` lowest-ranked members. @param {number} count */
  async resize(count) {
    await this.ready
    const shrunk = await this.shrink(count)
    return shrunk.sessions < count ? this.grow(count) : shrunk
  }

  /** hot mode: starts the arrival streams. */
  run() {
    for (const w of this.workers) w.postMessage({ type: 'run' })
  }

  openWindow() {
    for (const w of this.workers) w.postMessage({ type: 'window' })
    this.window = { at: performance.now(), cpu: process.cpuUsage() }
  }

  /**
   * Closes the window: the figures of every operation begun in it (those still unanswered after
   * `graceMs` count with their wait so far) and the driver's CPU over it (all its threads).
   * @param {number} [graceMs] @returns {Promise<WindowResult>}
   */
  async closeWindow(graceMs = 3000) {
    const started = this.window ?? { at: performance.now(), cpu: process.cpuUsage() }
    const seconds = (performance.now() - started.at) / 1000
    const cpu = process.cpuUsage(started.cpu)
    const answers = await this.all('close-window', 'window', { graceMs })
    const ops = new OpStats()
    const metrics = new Metrics(Date.now())
    /** @type {Record<string, number>} */
    const events = {}
    for (const a of answers) {
      ops.merge(a.ops)
      metrics.merge(a.metrics)
      for (const [k, v] of Object.entries(/** @type {Record<string, number>} */ (a.events))) events[k] = (events[k] ?? 0) + v
    }
    this.window = null
    // The worst thread's event-loop delay: deliveries it read late look slow.
    const driverLagMs = { p99: Math.max(...answers.map(x => x.lagMs.p99)), max: Math.max(...answers.map(x => x.lagMs.max)) }
    return { seconds, ops, metrics, events, driverLagMs, sessions: answers.reduce((n, a) => n + a.sessions, 0), driverCpuMs: (cpu.user + cpu.system) / 1000 }
  }

  /** Stops every member, waits for unacked sends, syncs, closes the sockets and audits the deliveries. */
  async finish() {
    await this.all('stop', 'stopped')
    const done = await this.all('finish', 'done')
    for (const w of this.workers) void w.terminate()
    const metrics = new Metrics(Date.now())
    for (const d of done) metrics.merge(d.metrics)
    const members = done.flatMap(d => d.members)
    const acked = done.flatMap(d => d.acked)
    const audit = auditDeliveries(acked, members)
    // Members that left mid-run owe only what was sent before their final sync.
    for (const { report, horizon } of done.flatMap(d => d.departed)) {
      const owed = acked.filter(m => m.seq <= (horizon[m.conversationId] ?? -1))
      const a = auditDeliveries(owed, [report])
      audit.expected += a.expected
      audit.missing += a.missing
      audit.examples.push(...a.examples.slice(0, Math.max(0, 10 - audit.examples.length)))
      members.push(report)
    }
    return {
      metrics,
      audit,
      lost: metrics.counts.lost + audit.missing,
      duplicates: metrics.counts.duplicates + audit.duplicateAcks,
      unaudited: members.filter(m => !m.audited).length
    }
  }
}
