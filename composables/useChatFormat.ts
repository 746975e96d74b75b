import type { PresenceStatus } from '#shared/types'

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' })
const dayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })

/** Local calendar-day key, so grouping follows the reader's timezone. */
export function dayKey(iso: string): string {
  const d = new Date(iso)
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

/** "14:05" */
export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso))
}

/** Tooltip text with the full date and time. */
export function formatFull(iso: string): string {
  return fullFormat.format(new Date(iso))
}

/** "Today", "Yesterday" or a weekday with date. */
export function formatDay(iso: string): string {
  const date = new Date(iso)
  const today = new Date()
  const yesterday = new Date(today)
  yesterday.setDate(today.getDate() - 1)
  if (dayKey(iso) === dayKey(today.toISOString())) return 'Today'
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return 'Yesterday'
  return date.getFullYear() === today.getFullYear() ? dayFormat.format(date) : dayYearFormat.format(date)
}

/** One-line sidebar preview of markdown content: no fences, emphasis marks or line breaks. */
export function previewText(content: string): string {
  return content
    .replace(/```[\w-]*\n?/g, '')
    .replace(/^\s*(#{1,6}|>)\s+/gm, '')
    .replace(/[*_~`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** "1.2 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** "Online", "Away", "Do not disturb", "Offline" */
export function presenceLabel(status: PresenceStatus): string {
  return { online: 'Online', away: 'Away', dnd: 'Do not disturb', offline: 'Offline' }[status]
}
