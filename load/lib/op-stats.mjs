// Per-operation figures of one measurement window of the mixed workload: latency histogram,
// failures split into "counts against the error budget" and "refused as the contract allows", by
// code. Operations still unanswered when the window is closed count with the time they have waited
// so far, so a server that stops answering cannot hide its slowest requests from the p99.
import { Histogram } from './histogram.mjs'
import { countsAgainstBudget } from './mix.mjs'

/** @typedef {{ status?: number, code?: string | null }} Failure */
/** @typedef {{ name: string, t0: number, stats: OpStats, done: boolean }} OpToken */
/** @typedef {{ hist: import('./histogram.mjs').HistogramData, budgetErrors: number, otherErrors: number, codes: Record<string, number> }} OpData */

export class OpStats {
  constructor() {
    /** @type {Map<string, { hist: Histogram, budgetErrors: number, otherErrors: number, codes: Record<string, number> }>} */
    this.ops = new Map()
    /** @type {Set<OpToken>} */
    this.pending = new Set()
  }

  /** @param {string} name */
  entry(name) {
    let e = this.ops.get(name)
    if (!e) {
      e = { hist: new Histogram(), budgetErrors: 0, otherErrors: 0, codes: {} }
      this.ops.set(name, e)
    }
    return e
  }

  /** Starts timing one operation. @param {string} name @returns {OpToken} */
  begin(name) {
    const token = { name, t0: performance.now(), stats: this, done: false }
    this.pending.add(token)
    return token
  }

  /**
   * Ends an operation begun here (a second end, or one after the window was closed, is ignored).
   * @param {OpToken} token @param {Failure | null} [failure] @param {number} [at]
   */
  static end(token, failure = null, at = performance.now()) {
    if (token.done) return
    token.done = true
    token.stats.pending.delete(token)
    token.stats.record(token.name, at - token.t0, failure)
  }

  /** @param {string} name @param {number} ms @param {Failure | null} failure */
  record(name, ms, failure) {
    const e = this.entry(name)
    e.hist.add(ms)
    if (!failure) return
    const key = failure.code ?? `HTTP_${failure.status}`
    e.codes[key] = (e.codes[key] ?? 0) + 1
    if (countsAgainstBudget(failure)) e.budgetErrors++
    else e.otherErrors++
  }

  /** Closes the window: what is still unanswered counts with its wait so far. @param {number} [at] */
  close(at = performance.now()) {
    for (const token of [...this.pending]) OpStats.end(token, null, at)
  }

  /** @returns {Record<string, OpData>} */
  toJSON() {
    return Object.fromEntries([...this.ops].map(([name, e]) => [name, { hist: e.hist.toJSON(), budgetErrors: e.budgetErrors, otherErrors: e.otherErrors, codes: { ...e.codes } }]))
  }

  /** @param {Record<string, OpData>} data */
  merge(data) {
    for (const [name, d] of Object.entries(data)) {
      const e = this.entry(name)
      e.hist.merge(d.hist)
      e.budgetErrors += d.budgetErrors
      e.otherErrors += d.otherErrors
      for (const [code, n] of Object.entries(d.codes)) e.codes[code] = (e.codes[code] ?? 0) + n
    }
    return this
  }

  /** n, failures and percentiles per operation, for evaluateBudget and the tables. */
  figures() {
    return Object.fromEntries([...this.ops].sort(([a], [b]) => a.localeCompare(b)).map(([name, e]) => [name, {
      n: e.hist.n,
      budgetErrors: e.budgetErrors,
      otherErrors: e.otherErrors,
      codes: { ...e.codes },
      p50: e.hist.percentile(50),
      p99: e.hist.percentile(99),
      max: e.hist.n ? e.hist.max : NaN
    }]))
  }
}
