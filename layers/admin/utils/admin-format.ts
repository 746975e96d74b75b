const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [['second', 60], ['minute', 60], ['hour', 24], ['day', 30], ['month', 12], ['year', Infinity]]

/** "Nov 25, 2026, 1:04 PM" */
export function formatAdminDateTime(iso: string): string {
  return dateTime.format(new Date(iso))
}

/** "Nov 25, 2026" */
export function formatAdminDate(iso: string): string {
  return date.format(new Date(iso))
}

/** "5 minutes ago", for columns where recency matters more than the exact time. */
export function formatAdminRelative(iso: string, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return formatAdminDate(iso)
}
