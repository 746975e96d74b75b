import { afterEach, describe, expect, it, vi } from 'vitest'
import { addDays, analyticsMessagesQuerySchema, analyticsQuerySchema, daysInclusive, eachDay, presetRange } from '#admin-shared/analytics-schemas'
import { foldHours, medianFromHistogram } from '../../layers/admin/server/services/analytics/median'
import { formatDuration, heatmapCells } from '../../layers/admin/utils/analytics-format'

const P = '00000000-0000-4000-8000-000000000001'

describe('analytics ranges', () => {
  it('counts inclusive UTC days across month, year and leap-day edges', () => {
    expect(daysInclusive('2026-03-01', '2026-03-01')).toBe(1)
    expect(daysInclusive('2024-02-28', '2024-03-01')).toBe(3)
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
    expect(presetRange(7, new Date('2026-03-10T23:59:00Z'))).toEqual({ from: '2026-03-04', to: '2026-03-10' })
  })

  it('accepts up to 366 days and names the field that is wrong', () => {
    expect(analyticsQuerySchema.safeParse({ projectId: P, from: '2024-01-01', to: '2024-12-31' }).success).toBe(true)
    const field = (v: unknown) => analyticsQuerySchema.safeParse(v).error?.issues.map(i => i.path.join('.'))
    expect(field({ projectId: P, from: '2024-01-01', to: '2025-01-01' })).toEqual(['to'])
    expect(field({ projectId: P, from: '2026-03-02', to: '2026-03-01' })).toEqual(['to'])
    expect(field({ projectId: P, from: '2026-02-29', to: '2026-03-01' })).toEqual(['from'])
    expect(field({ projectId: 'x', from: '2026-03-01', to: '2026-03-01' })).toEqual(['projectId'])
    const drill = (v: Record<string, unknown>) => analyticsMessagesQuerySchema.safeParse({ projectId: P, from: '2026-03-01', to: '2026-03-07', ...v })
    expect(drill({ weekday: '1', hour: '23' }).data).toMatchObject({ weekday: 1, hour: 23, limit: 50 })
    expect(drill({ weekday: '8', hour: '1' }).error?.issues[0]?.path).toEqual(['weekday'])
    expect(drill({ hour: '1' }).error?.issues[0]?.path).toEqual(['weekday'])
    expect(drill({ day: '2026-03-08' }).error?.issues[0]?.path).toEqual(['day'])
  })
})

describe('analytics without a range', () => {
  afterEach(() => { vi.useRealTimers() })

  it('reads the 30 days ending today, as the dashboard opens; one bound alone sets the other', () => {
    vi.useFakeTimers({ now: new Date('2026-03-10T23:59:00Z') })
    expect(analyticsQuerySchema.parse({ projectId: P })).toEqual({ projectId: P, from: '2026-02-09', to: '2026-03-10' })
    expect(analyticsQuerySchema.parse({ projectId: P, from: '', to: ' ' })).toMatchObject({ from: '2026-02-09', to: '2026-03-10' })
    expect(analyticsQuerySchema.parse({ projectId: P, to: '2026-01-31' })).toMatchObject({ from: '2026-01-02', to: '2026-01-31' })
    expect(analyticsQuerySchema.parse({ projectId: P, from: '2026-03-01' })).toMatchObject({ from: '2026-03-01', to: '2026-03-10' })
    expect(analyticsMessagesQuerySchema.safeParse({ projectId: P, day: '2026-02-09' }).data).toMatchObject({ from: '2026-02-09', day: '2026-02-09' })
    expect(analyticsMessagesQuerySchema.safeParse({ projectId: P, day: '2026-02-08' }).error?.issues[0]?.path).toEqual(['day'])
  })
})

describe('median of a histogram', () => {
  it('matches percentile_cont(0.5): the middle value, or the mean of the two middle ones', () => {
    expect(medianFromHistogram([])).toBeNull()
    expect(medianFromHistogram([{ value: 5, count: 1 }])).toBe(5)
    expect(medianFromHistogram([{ value: 1, count: 1 }, { value: 3, count: 1 }])).toBe(2)
    expect(medianFromHistogram([{ value: 10, count: 2 }, { value: 1, count: 2 }])).toBe(5.5)
    expect(medianFromHistogram([{ value: 1, count: 3 }, { value: 9, count: 1 }])).toBe(1)
    expect(medianFromHistogram([{ value: 2, count: 0 }, { value: 4, count: 3 }, { value: 7, count: 4 }])).toBe(7)
    // Against expanding the values.
    const buckets = [{ value: 0, count: 7 }, { value: 3, count: 2 }, { value: 60, count: 5 }, { value: 3600, count: 1 }]
    const values = buckets.flatMap(b => Array<number>(b.count).fill(b.value)).sort((a, b) => a - b)
    const mid = (values.length - 1) / 2
    expect(medianFromHistogram(buckets)).toBe((values[Math.floor(mid)]! + values[Math.ceil(mid)]!) / 2)
  })
})

describe('dashboard formatting', () => {
  it('formats durations and fills every heatmap cell', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(59.6)).toBe('1 min')
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min')
    expect(formatDuration(90_000)).toBe('1 d 1 h')
    const cells = heatmapCells([{ weekday: 7, hour: 23, count: 4 }, { weekday: 1, hour: 0, count: 2 }])
    expect(cells).toHaveLength(168)
    expect(cells[0]).toEqual([0, 0, 2])
    expect(cells[167]).toEqual([23, 6, 4])
    expect(cells.filter(c => c[2] === 0)).toHaveLength(166)
  })
})

describe('days and heatmap cells from hourly counts', () => {
  it('adds hours into UTC days and ISO weekday × hour cells', () => {
    // 2026-03-01 is a Sunday (7), 2026-03-02 a Monday (1).
    const { byDay, heatmap } = foldHours([
      { hour: '2026-03-02T09', count: 2 }, { hour: '2026-03-01T23', count: 5 }, { hour: '2026-03-09T09', count: 1 }, { hour: '2026-03-01T00', count: 1 }
    ])
    expect(byDay).toEqual([{ day: '2026-03-01', count: 6 }, { day: '2026-03-02', count: 2 }, { day: '2026-03-09', count: 1 }])
    expect(heatmap).toEqual([{ weekday: 1, hour: 9, count: 3 }, { weekday: 7, hour: 0, count: 1 }, { weekday: 7, hour: 23, count: 5 }])
  })
})
