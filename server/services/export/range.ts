const DAY_MS = 86_400_000
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** A validated range bound as instants: `from` inclusive; `to` exclusive, a bare day meaning up to the end of that day (UTC). */
export function resolveRange(from: string | undefined | null, to: string | undefined | null): { from: Date | null, to: Date | null } {
  const start = from ? new Date(DATE_ONLY.test(from) ? `${from}T00:00:00Z` : from) : null
  let end: Date | null = null
  if (to) end = DATE_ONLY.test(to) ? new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS) : new Date(to)
  return { from: start, to: end }
}
