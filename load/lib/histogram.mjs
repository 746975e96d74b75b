// Latency histograms that merge across worker threads: log-spaced buckets (≈1 % wide) over
// 0.01 ms … ~3 h, so percentiles stay within 1 % however long a run lasts, and the memory is fixed.

const GROWTH = 1.01
const MIN_MS = 0.01
const LOG_GROWTH = Math.log(GROWTH)

/** @param {number} ms */
const bucketOf = ms => (ms <= MIN_MS ? 0 : 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH))
/** Upper edge of a bucket, the value percentiles report. @param {number} b */
const edgeOf = b => (b === 0 ? MIN_MS : MIN_MS * GROWTH ** b)

/** @typedef {{ counts: Record<number, number>, n: number, sum: number, min: number, max: number }} HistogramData */

export class Histogram {
  constructor() {
    /** @type {Map<number, number>} */
    this.counts = new Map()
    this.n = 0
    this.sum = 0
    this.min = Infinity
    this.max = -Infinity
  }

  /** @param {number} ms */
  add(ms) {
    if (!Number.isFinite(ms)) return
    const v = Math.max(0, ms)
    const b = bucketOf(v)
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1)
    this.n++
    this.sum += v
    if (v < this.min) this.min = v
    if (v > this.max) this.max = v
  }

  /** @param {Histogram | HistogramData} other */
  merge(other) {
    const entries = other instanceof Histogram ? other.counts : new Map(Object.entries(other.counts).map(([k, v]) => [Number(k), v]))
    for (const [b, c] of entries) this.counts.set(b, (this.counts.get(b) ?? 0) + c)
    this.n += other.n
    this.sum += other.sum
    this.min = Math.min(this.min, other.min)
    this.max = Math.max(this.max, other.max)
    return this
  }

  /** The value at or below which p % of samples fall (NaN when empty). @param {number} p */
  percentile(p) {
    if (!this.n) return NaN
    const rank = Math.max(1, Math.ceil((p / 100) * this.n))
    let seen = 0
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += /** @type {number} */ (this.counts.get(b))
      if (seen >= rank) return Math.min(edgeOf(b), this.max)
    }
    return this.max
  }

  /** Structured-clone friendly form for postMessage. @returns {HistogramData} */
  toJSON() {
    return { counts: Object.fromEntries(this.counts), n: this.n, sum: this.sum, min: this.min, max: this.max }
  }

  /** @param {HistogramData} data */
  static from(data) {
    return new Histogram().merge(data)
  }

  /** p50/p95/p99/max/mean/count, rounded for reports. */
  summary() {
    /** @param {number} v */
    const r = v => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null)
    return { count: this.n, p50: r(this.percentile(50)), p95: r(this.percentile(95)), p99: r(this.percentile(99)), max: r(this.max), mean: r(this.n ? this.sum / this.n : NaN) }
  }

  /** [upper edge ms, count] pairs for a chart, merged into at most `bins` log-spaced bins. @param {number} bins */
  bins(bins = 60) {
    if (!this.n) return []
    const keys = [...this.counts.keys()].sort((x, y) => x - y)
    const lo = keys[0] ?? 0
    const hi = keys.at(-1) ?? 0
    const width = Math.max(1, Math.ceil((hi - lo + 1) / bins))
    /** @type {[number, number][]} */
    const out = []
    for (const b of keys) {
      const slot = Math.floor((b - lo) / width)
      const edge = edgeOf(lo + (slot + 1) * width - 1)
      const last = out.at(-1)
      if (last && last[0] === edge) last[1] += /** @type {number} */ (this.counts.get(b))
      else out.push([edge, /** @type {number} */ (this.counts.get(b))])
    }
    return out
  }
}
