import { z } from 'zod'

/**
 * The one range every date a client sends must fall in, from 1970-01-01T00:00:00Z to
 * 2999-12-31T23:59:59.999Z (UTC; a timestamp with an offset is checked as the instant it names).
 * Outside it, validation used to pass and the database failed later: Postgres refuses year 0 (and
 * JavaScript and Postgres disagree on early years), and past 9999 JavaScript writes `+010000-…`, which
 * Postgres refuses too — a 500, or an export stream cut off after its first bytes. Ending the range at
 * 2999 leaves room for the day (or year) code adds to a bound, such as the exclusive end of a range.
 */
export const DATE_MIN_DAY = '1970-01-01'
export const DATE_MAX_DAY = '2999-12-31'
const MIN_MS = Date.parse(`${DATE_MIN_DAY}T00:00:00Z`)
const MAX_MS = Date.parse(`${DATE_MAX_DAY}T23:59:59.999Z`)
export const DATE_RANGE_MESSAGE = `must be between ${DATE_MIN_DAY} and ${DATE_MAX_DAY}`

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** True when a timestamp, a `YYYY-MM-DD` day (UTC midnight) or a Date lies within the accepted range. */
export function isInDateRange(value: string | Date): boolean {
  const ms = value instanceof Date ? value.getTime() : Date.parse(DAY.test(value) ? `${value}T00:00:00Z` : value)
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS
}

/** An ISO 8601 timestamp with `Z` or an offset, within the accepted range. */
export const isoDateTime = z.iso.datetime({ offset: true }).refine(isInDateRange, DATE_RANGE_MESSAGE)

/** A calendar day `YYYY-MM-DD` (a real one), within the accepted range. */
export const isoDay = z.iso.date().refine(isInDateRange, DATE_RANGE_MESSAGE)

/** A timestamp or a day, within the accepted range: the bounds of a range such as an export's. */
export const isoDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be a day YYYY-MM-DD or an ISO 8601 timestamp' }).refine(isInDateRange, DATE_RANGE_MESSAGE)
