import type { AnalyticsDayCount, AnalyticsHeatCell } from '#admin-shared/analytics-schemas'

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

/**
 * Per-day counts and weekday × hour cells (ISO weekday 1 = Monday, UTC) from per-hour counts keyed
 * `YYYY-MM-DDTHH` in UTC; both come out sorted, with only the non-empty days and cells.
 */
export function foldHours(hours: { hour: string, count: number }[]): { byDay: AnalyticsDayCount[], heatmap: AnalyticsHeatCell[] } {
  const days = new Map<string, number>()
  const cells = new Map<number, number>()
  for (const { hour, count } of hours) {
    const day = hour.slice(0, 10)
    const h = Number(hour.slice(11, 13))
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay() || 7
    days.set(day, (days.get(day) ?? 0) + count)
    const key = weekday * 24 + h
    cells.set(key, (cells.get(key) ?? 0) + count)
  }
  return {
    byDay: [...days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, count]) => ({ day, count })),
    heatmap: [...cells.entries()].sort(([a], [b]) => a - b).map(([key, count]) => ({ weekday: Math.floor(key / 24), hour: key % 24, count }))
  }
}
