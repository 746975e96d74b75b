// What a worker measures, in a form that merges across workers (postMessage-able).
import { Histogram } from './histogram.mjs'

export const TRENDS = /** @type {const} */ (['sendAck', 'deliver', 'reconnect', 'connect', 'sync', 'history', 'search'])
export const COUNTS = /** @type {const} */ ([
  'sent', 'resent', 'received', 'recovered', 'lost', 'duplicates', 'ops', 'errors', 'disconnects', 'failovers',
  'refreshes', 'rateLimited', 'unavailable', 'searchSkipped', 'edits', 'deletes', 'retries'
])

/** @typedef {typeof TRENDS[number]} TrendName */
/** @typedef {typeof COUNTS[number]} CountName */
/** @typedef {{ acks: Histogram, deliver: Histogram, errors: number }} Second */
/** @typedef {{ acks: import('./histogram.mjs').HistogramData, deliver: import('./histogram.mjs').HistogramData, errors: number }} SecondData */

export class Metrics {
  /** @param {number} t0 ms since epoch that second 0 of the time series starts at */
  constructor(t0) {
    this.t0 = t0
    /** @type {Record<TrendName, Histogram>} */
    this.trends = /** @type {Record<TrendName, Histogram>} */ (Object.fromEntries(TRENDS.map(t => [t, new Histogram()])))
    /** @type {Record<CountName, number>} */
    this.counts = /** @type {Record<CountName, number>} */ (Object.fromEntries(COUNTS.map(c => [c, 0])))
    /** @type {Record<string, number>} */
    this.errorsByCode = {}
    /** @type {Map<number, Second>} */
    this.series = new Map()
  }

  /** @param {number} [at] */
  second(at = Date.now()) {
    const s = Math.floor((at - this.t0) / 1000)
    let sec = this.series.get(s)
    if (!sec) {
      sec = { acks: new Histogram(), deliver: new Histogram(), errors: 0 }
      this.series.set(s, sec)
    }
    return sec
  }

  /** @param {TrendName} name @param {number} ms */
  trend(name, ms) {
    this.trends[name].add(ms)
    if (name === 'sendAck') this.second().acks.add(ms)
    else if (name === 'deliver') this.second().deliver.add(ms)
  }

  /** @param {CountName} name @param {number} [n] */
  count(name, n = 1) {
    this.counts[name] += n
  }

  /** One operation (send, sync, REST call, connect): failed when `code` is given. @param {string | null} code */
  op(code = null) {
    this.counts.ops++
    if (code === null) return
    this.counts.errors++
    this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1
    this.second().errors++
  }

  toJSON() {
    return {
      t0: this.t0,
      trends: Object.fromEntries(TRENDS.map(t => [t, this.trends[t].toJSON()])),
      counts: { ...this.counts },
      errorsByCode: { ...this.errorsByCode },
      series: [...this.series].map(([s, v]) => /** @type {[number, SecondData]} */ ([s, { acks: v.acks.toJSON(), deliver: v.deliver.toJSON(), errors: v.errors }]))
    }
  }

  /** @param {ReturnType<Metrics['toJSON']>} data */
  merge(data) {
    for (const t of TRENDS) this.trends[t].merge(data.trends[t])
    for (const c of COUNTS) this.counts[c] += data.counts[c]
    for (const [code, n] of Object.entries(data.errorsByCode)) this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + n
    for (const [s, v] of data.series) {
      const sec = this.second(this.t0 + s * 1000)
      sec.acks.merge(v.acks)
      sec.deliver.merge(v.deliver)
      sec.errors += v.errors
    }
    return this
  }
}
