/** Send-later presets for the composer's schedule menu, in the member's local time. */
export interface SchedulePreset { id: string, label: string, at: Date }

/** "in 1 hour", "tomorrow 9:00", "next Monday 9:00", as seen from `now`. */
export function schedulePresets(now: Date = new Date()): SchedulePreset[] {
  const inHour = new Date(now.getTime() + 60 * 60 * 1000)
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0)
  // Monday is day 1; "next Monday" from a Monday is a week ahead.
  const daysToMonday = ((8 - now.getDay()) % 7) || 7
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysToMonday, 9, 0, 0, 0)
  return [
    { id: 'hour', label: 'In 1 hour', at: inHour },
    { id: 'tomorrow', label: 'Tomorrow at 9:00', at: tomorrow },
    { id: 'monday', label: 'Next Monday at 9:00', at: monday }
  ]
}

/** A Date as the value of `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** The value of a datetime-local input as a Date, or null when empty or invalid. */
export function fromLocalInput(value: string): Date | null {
  if (!value) return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}
