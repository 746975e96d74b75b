import { describe, expect, it } from 'vitest'
import { UNTIL_TURNED_OFF_MS, describeUntil, dndEnd, isActiveUntil, isIndefinite, muteEnd, nextMorning } from '../../utils/notifications/timers'

// Local times: the tests read them back with local getters, whatever the machine's timezone.
const at = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min, 0, 0)
const local = (date: Date) => [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()]

describe('"until tomorrow" (the next 9:00)', () => {
  it('in the evening: tomorrow at 9:00', () => {
    expect(local(nextMorning(at(2026, 3, 10, 18, 45)))).toEqual([2026, 3, 11, 9, 0, 0])
  })

  it('after midnight but before 9: the same day at 9:00', () => {
    expect(local(nextMorning(at(2026, 3, 11, 2, 30)))).toEqual([2026, 3, 11, 9, 0, 0])
  })

  it('at 9:00 sharp or later in the morning: the day after', () => {
    expect(local(nextMorning(at(2026, 3, 11, 9, 0)))).toEqual([2026, 3, 12, 9, 0, 0])
    expect(local(nextMorning(at(2026, 3, 11, 10, 15)))).toEqual([2026, 3, 12, 9, 0, 0])
  })

  it('crosses month and year ends', () => {
    expect(local(nextMorning(at(2026, 1, 31, 22)))).toEqual([2026, 2, 1, 9, 0, 0])
    expect(local(nextMorning(at(2026, 12, 31, 23, 59)))).toEqual([2027, 1, 1, 9, 0, 0])
  })

  it('is the local 9:00 across a daylight-saving change (a 23 or 25 hour night)', () => {
    // Whatever the zone, adding a calendar day keeps the wall-clock hour: never 8:00 or 10:00.
    for (const [m, d] of [[3, 28], [3, 8], [10, 31], [11, 1]] as const) {
      const end = nextMorning(at(2026, m, d, 20))
      expect(end.getHours()).toBe(9)
      expect(end.getMinutes()).toBe(0)
    }
  })

  it('is what the "until tomorrow" choice of do-not-disturb ends at', () => {
    const now = at(2026, 5, 4, 17)
    expect(dndEnd('tomorrow', now).getTime()).toBe(nextMorning(now).getTime())
  })
})

describe('do-not-disturb and mute ends', () => {
  const now = at(2026, 5, 4, 17, 10)
  it('adds the chosen time', () => {
    expect(dndEnd('30m', now).getTime() - now.getTime()).toBe(30 * 60_000)
    expect(dndEnd('1h', now).getTime() - now.getTime()).toBe(3_600_000)
    expect(muteEnd('1h', now).getTime() - now.getTime()).toBe(3_600_000)
    expect(muteEnd('8h', now).getTime() - now.getTime()).toBe(8 * 3_600_000)
    expect(muteEnd('24h', now).getTime() - now.getTime()).toBe(24 * 3_600_000)
  })

  it('"until I turn it off" is a date far ahead that reads back as indefinite', () => {
    const dnd = dndEnd('off', now)
    expect(dnd.getTime() - now.getTime()).toBe(UNTIL_TURNED_OFF_MS)
    expect(isIndefinite(dnd.toISOString(), now.getTime())).toBe(true)
    expect(isIndefinite(muteEnd('24h', now).toISOString(), now.getTime())).toBe(false)
    expect(describeUntil(muteEnd('off', now).toISOString(), now)).toBe('until you turn it off')
  })

  it('names the end with a time the same day, and more further out', () => {
    expect(describeUntil(dndEnd('30m', now).toISOString(), now)).toMatch(/^until \d{1,2}[:.]\d{2}/)
    expect(describeUntil(dndEnd('tomorrow', now).toISOString(), now)).not.toBe(describeUntil(dndEnd('30m', now).toISOString(), now))
  })

  it('is active until the moment passes', () => {
    const until = new Date(now.getTime() + 1000).toISOString()
    expect(isActiveUntil(until, now.getTime())).toBe(true)
    expect(isActiveUntil(until, now.getTime() + 1000)).toBe(false)
    expect(isActiveUntil(null, now.getTime())).toBe(false)
    expect(isActiveUntil('not a date', now.getTime())).toBe(false)
  })
})
