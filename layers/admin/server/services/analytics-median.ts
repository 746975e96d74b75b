/** A value that occurs `count` times (one bucket of a histogram). */
export interface Bucket { value: number, count: number }

/**
 * The median of a histogram, as Postgres' percentile_cont(0.5) gives it for the expanded values:
 * the middle value, or the mean of the two middle ones when the count is even. Null when empty.
 * Buckets may come in any order; empty or negative counts are ignored.
 */
export function medianFromHistogram(buckets: Bucket[]): number | null {
  const sorted = buckets.filter(b => b.count > 0).sort((a, b) => a.value - b.value)
  const n = sorted.reduce((s, b) => s + b.count, 0)
  if (!n) return null
  // 0-based ranks of the middle value(s).
  const lo = Math.floor((n - 1) / 2)
  const hi = Math.ceil((n - 1) / 2)
  let seen = 0
  let atLo: number | null = null
  for (const b of sorted) {
    const last = seen + b.count - 1
    if (atLo === null && lo <= last) atLo = b.value
    if (hi <= last) return (atLo! + b.value) / 2
    seen += b.count
  }
  return atLo
}
