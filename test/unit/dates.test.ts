import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { analyticsQuerySchema } from '#admin-shared/analytics-schemas'
import { DATE_RANGE_MESSAGE, isInDateRange, isoDate, isoDateTime, isoDay } from '#shared/dates'
import { adminExportQuerySchema } from '#shared/export-schemas'
import { parseSearchQuery } from '#shared/search-query'

const issues = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map(i => i.message) ?? []

describe('the shared date range', () => {
  it('accepts 1970-01-01 through 2999-12-31, checking the instant an offset names', () => {
    expect(['1970-01-01', '1970-01-01T00:00:00Z', '2026-06-01T12:00:00+02:00', '2999-12-31', '2999-12-31T23:59:59.999Z'].every(isInDateRange)).toBe(true)
    expect(['1969-12-31T23:59:59.999Z', '1970-01-01T00:30:00+01:00', '3000-01-01', '2999-12-31T23:00:00-05:00', '0000-01-01', 'nonsense'].some(isInDateRange)).toBe(false)
    expect(isInDateRange(new Date(8.64e15))).toBe(false)
  })

  it('year 0000 and year 275760 fail every date schema with a message, a normal date passes', () => {
    for (const schema of [isoDate, isoDateTime]) {
      expect(issues(schema, '0000-01-01T00:00:00Z')).toContain(DATE_RANGE_MESSAGE)
      expect(issues(schema, '+275760-09-13T00:00:00Z').length).toBeGreaterThan(0)
      expect(issues(schema, '275760-09-13T00:00:00Z').length).toBeGreaterThan(0)
      expect(schema.safeParse('2026-05-01T10:00:00Z').success).toBe(true)
    }
    expect(issues(isoDay, '0000-01-01')).toEqual([DATE_RANGE_MESSAGE])
    expect(issues(isoDate, '9999-12-31')).toEqual([DATE_RANGE_MESSAGE])
    expect(isoDay.safeParse('2026-05-01').success).toBe(true)
  })

  it('export, analytics and search inputs use it', () => {
    expect(adminExportQuerySchema.safeParse({ from: '0000-01-01' }).error?.issues[0]).toMatchObject({ path: ['from'], message: DATE_RANGE_MESSAGE })
    expect(analyticsQuerySchema.safeParse({ projectId: crypto.randomUUID(), from: '0000-01-01', to: '0000-12-31' }).success).toBe(false)
    expect(parseSearchQuery('after:9999-12-31 hello')).toEqual({ ok: false, error: `after: ${DATE_RANGE_MESSAGE}, got "9999-12-31"` })
    expect(parseSearchQuery('before:2026-01-01 hello')).toMatchObject({ ok: true, query: { before: '2026-01-01' } })
  })
})
