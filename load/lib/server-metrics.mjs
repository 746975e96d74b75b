// What the server says about a window, from its Prometheus endpoint: its event-loop delay
// (prom-client resets the histogram behind `nodejs_eventloop_lag_*` on every scrape, so a scrape
// when a window opens and one when it closes give that window's figures) and its own send→emit
// time (`chat_send_emit_seconds`, cumulative: the window is the difference of two scrapes). Set
// beside what the clients measured, they tell the server's share of a delivery's time from the
// network's and the clients' share.

/** @typedef {{ lagMs: { p99: number, max: number } | null, emit: [number, number][] }} ServerScrape  emit: [upper bound s, cumulative count] */

/** @param {string} text @param {string} name */
function gauge(text, name) {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text)
  return m ? Number(m[1]) : NaN
}

/**
 * The cumulative buckets of one unlabelled histogram, ascending, +Inf last.
 * @param {string} text @param {string} name @returns {[number, number][]}
 */
export function histogramBuckets(text, name) {
  /** @type {[number, number][]} */
  const out = []
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} ([0-9.eE+-]+)$`, 'gm')
  for (const m of text.matchAll(re)) out.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])])
  return out.sort((x, y) => x[0] - y[0])
}

/**
 * The bucket bound (ms) at or below which p % of the samples between two scrapes fall: an upper
 * bound of the true percentile, as coarse as the buckets. NaN when nothing happened in between.
 * @param {[number, number][]} before @param {[number, number][]} after @param {number} p
 */
export function windowPercentileMs(before, after, p) {
  const at = new Map(before)
  const deltas = after.map(([le, n]) => /** @type {[number, number]} */ ([le, n - (at.get(le) ?? 0)]))
  const total = deltas.at(-1)?.[1] ?? 0
  if (total <= 0) return NaN
  const rank = (p / 100) * total
  for (const [le, n] of deltas) if (n >= rank) return le * 1000
  return Infinity
}

/** @param {string} baseUrl @returns {Promise<ServerScrape>} */
export async function scrapeServer(baseUrl) {
  try {
    const text = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) }).then(r => (r.ok ? r.text() : ''))
    const p99 = gauge(text, 'nodejs_eventloop_lag_p99_seconds')
    return {
      lagMs: Number.isFinite(p99) ? { p99: p99 * 1000, max: gauge(text, 'nodejs_eventloop_lag_max_seconds') * 1000 } : null,
      emit: histogramBuckets(text, 'chat_send_emit_seconds')
    }
  } catch {
    return { lagMs: null, emit: [] }
  }
}
