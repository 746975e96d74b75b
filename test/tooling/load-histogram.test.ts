import { describe, expect, it } from 'vitest'
import { Histogram } from '../../load/lib/histogram.mjs'

describe('load driver histogram', () => {
  it('reports percentiles within 1 % of the exact ones', () => {
    const h = new Histogram()
    const values = Array.from({ length: 10000 }, (_, i) => (i + 1) / 10) // 0.1 … 1000 ms
    for (const v of values) h.add(v)
    for (const [p, exact] of [[50, 500], [95, 950], [99, 990]] as const) {
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.011)
    }
    expect(h.summary()).toMatchObject({ count: 10000, max: 1000 })
  })

  it('merges across workers as if it had seen every sample', () => {
    const a = new Histogram()
    const b = new Histogram()
    for (let i = 1; i <= 100; i++) (i % 2 ? a : b).add(i)
    const merged = Histogram.from(JSON.parse(JSON.stringify(a.toJSON()))).merge(b.toJSON())
    expect(merged.n).toBe(100)
    expect(merged.min).toBe(1)
    expect(merged.max).toBe(100)
    expect(Math.abs(merged.percentile(50) - 50) / 50).toBeLessThan(0.011)
    expect(merged.bins(10).reduce((n, [, c]) => n + c, 0)).toBe(100)
  })

  it('is empty, not zero, without samples', () => {
    expect(Number.isNaN(new Histogram().percentile(99))).toBe(true)
  })
})
