/**
 * Until-when choices for do-not-disturb and mutes, and reading them back. Pure: `now` is given.
 */

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** "Until I turn it off" is stored as a date this far ahead: the server takes dates, not "forever". */
export const UNTIL_TURNED_OFF_MS = 365 * DAY
/** A date further ahead than this reads as "until you turn it off". */
const INDEFINITE_AFTER_MS = 180 * DAY
/** "Until tomorrow" ends at the next morning at this hour, local time. */
export const MORNING_HOUR = 9

export const DND_CHOICES = ['30m', '1h', 'tomorrow', 'off'] as const
export type DndChoice = typeof DND_CHOICES[number]

export const MUTE_CHOICES = ['1h', '8h', '24h', 'off'] as const
export type MuteChoice = typeof MUTE_CHOICES[number]

/** The next local `hour`:00 strictly after `now`: today's when it is still ahead, else tomorrow's. */
export function nextMorning(now: Date, hour = MORNING_HOUR): Date {
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hour, 0, 0, 0)
  if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1)
  return at
}

/** When a do-not-disturb chosen now ends. */
export function dndEnd(choice: DndChoice, now: Date): Date {
  switch (choice) {
    case '30m': return new Date(now.getTime() + 30 * MINUTE)
    case '1h': return new Date(now.getTime() + HOUR)
    case 'tomorrow': return nextMorning(now)
    case 'off': return new Date(now.getTime() + UNTIL_TURNED_OFF_MS)
  }
}

/** When a mute chosen now ends. */
export function muteEnd(choice: MuteChoice, now: Date): Date {
  switch (choice) {
    case '1h': return new Date(now.getTime() + HOUR)
    case '8h': return new Date(now.getTime() + 8 * HOUR)
    case '24h': return new Date(now.getTime() + DAY)
    case 'off': return new Date(now.getTime() + UNTIL_TURNED_OFF_MS)
  }
}

/** Whether an until-date (ISO string or null) is still ahead of `now`. */
export function isActiveUntil(until: string | null | undefined, now: number): boolean {
  if (!until) return false
  const at = Date.parse(until)
  return Number.isFinite(at) && at > now
}

/** Whether an until-date stands for "until I turn it off". */
export function isIndefinite(until: string, now: number): boolean {
  return Date.parse(until) - now > INDEFINITE_AFTER_MS
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })

/**
 * "until 14:30", "until Tue 09:00", "until Mar 3, 09:00", or "until you turn it off" for the
 * far-ahead date that stands for it.
 */
export function describeUntil(until: string, now: Date): string {
  if (isIndefinite(until, now.getTime())) return 'until you turn it off'
  const at = new Date(until)
  const sameDay = at.toDateString() === now.toDateString()
  if (sameDay) return `until ${timeFormat.format(at)}`
  if (at.getTime() - now.getTime() < 6 * DAY) return `until ${dayTimeFormat.format(at)}`
  return `until ${dateFormat.format(at)}`
}
