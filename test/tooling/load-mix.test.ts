import { describe, expect, it } from 'vitest'
import {
  capacityOf, countsAgainstBudget, DEFAULT_BUDGET, DEFAULT_WEIGHTS, evaluateBudget, idleMs, nextStep, offeredRates, pickAction, roomsOf
} from '../../load/lib/mix.mjs'
import { OpStats } from '../../load/lib/op-stats.mjs'
import { histogramBuckets, windowPercentileMs } from '../../load/lib/server-metrics.mjs'

/** A deterministic stream of uniform numbers (LCG), so the shares below are exact from run to run. */
function uniform(seed = 42) {
  let x = seed
  return () => {
    x = (x * 1664525 + 1013904223) % 2 ** 32
    return x / 2 ** 32
  }
}

describe('mixed workload: what a member does next', () => {
  it('picks actions in proportion to their weights and never one weighted 0', () => {
    const r = uniform()
    const counts: Record<string, number> = {}
    for (let i = 0; i < 100_000; i++) {
      const a = pickAction({ view: 7.5, send: 1, search: 0.5, never: 0 }, r())
      counts[a] = (counts[a] ?? 0) + 1
    }
    expect(counts.never).toBeUndefined()
    expect(counts.view! / 100_000).toBeCloseTo(7.5 / 9, 2)
    expect(counts.send! / 100_000).toBeCloseTo(1 / 9, 2)
    expect(counts.search! / 100_000).toBeCloseTo(0.5 / 9, 2)
    expect(pickAction({ a: 1, b: 1 }, 0)).toBe('a')
    expect(pickAction({ a: 1, b: 1 }, 0.999999)).toBe('b')
    expect(() => pickAction({ a: 0 }, 0.5)).toThrow(/positive weight/)
  })

  it('idles at least the floor and on average the mean', () => {
    const r = uniform(7)
    const idle = { minMs: 1000, avgMs: 20000 }
    let sum = 0
    let min = Infinity
    for (let i = 0; i < 50_000; i++) {
      const ms = idleMs(idle, r())
      sum += ms
      min = Math.min(min, ms)
    }
    expect(min).toBeGreaterThanOrEqual(1000)
    expect(sum / 50_000).toBeGreaterThan(19_500)
    expect(sum / 50_000).toBeLessThan(20_500)
    expect(idleMs({ minMs: 500, avgMs: 500 }, 0.9)).toBe(500)
  })

  it('offers one action per member per mean idle time, split by weight', () => {
    const rates = offeredRates(800, DEFAULT_WEIGHTS, { avgMs: 20000 })
    expect(rates.total).toBe(40)
    const total = Object.values(DEFAULT_WEIGHTS).reduce((a, b) => a + b, 0)
    expect(rates.byAction.send).toBeCloseTo(40 / total, 6)
    expect(Object.values(rates.byAction).reduce((a, b) => a + b, 0)).toBeCloseTo(40, 6)
  })

  it('puts every member in full teams and departments in rank order', () => {
    expect(roomsOf(0)).toEqual({ team: 0, dept: 0, general: 0 })
    expect(roomsOf(14).team).toBe(0)
    expect(roomsOf(15).team).toBe(1)
    expect(roomsOf(89).dept).toBe(0)
    expect(roomsOf(90).dept).toBe(1)
    expect(roomsOf(500).general).toBe(1)
  })
})

describe('mixed workload: the error budget', () => {
  it('counts server failures and silence, not refusals the contract defines', () => {
    expect(countsAgainstBudget({ status: 500 })).toBe(true)
    expect(countsAgainstBudget({ status: 503 })).toBe(true)
    expect(countsAgainstBudget({ status: 0 })).toBe(true)
    expect(countsAgainstBudget({ status: 429 })).toBe(false)
    expect(countsAgainstBudget({ status: 404 })).toBe(false)
    expect(countsAgainstBudget({ code: 'INTERNAL' })).toBe(true)
    expect(countsAgainstBudget({ code: 'UNAVAILABLE' })).toBe(true)
    expect(countsAgainstBudget({ code: 'ACK_TIMEOUT' })).toBe(true)
    expect(countsAgainstBudget({ code: 'RECONNECT_FAILED' })).toBe(true)
    expect(countsAgainstBudget({ code: 'RATE_LIMITED' })).toBe(false)
    expect(countsAgainstBudget({ code: 'FORBIDDEN' })).toBe(false)
    expect(countsAgainstBudget({ code: 'DISCONNECTED' })).toBe(false)
  })

  it('passes at 0.025 % and fails just above it, or on any slow operation', () => {
    const fast = { n: 4000, budgetErrors: 1, otherErrors: 30, p99: 300 }
    expect(evaluateBudget({ history: fast })).toMatchObject({ ok: true, budgetErrors: 1, ops: 4000 })
    const tooMany = evaluateBudget({ history: fast, send: { n: 1000, budgetErrors: 1, otherErrors: 0, p99: 50 } })
    expect(tooMany.ok).toBe(false)
    expect(tooMany.errorRate).toBeCloseTo(2 / 5000, 8)
    expect(tooMany.crossed.join()).toMatch(/errors 0\.040 %/)
    const slow = evaluateBudget({ history: fast, search: { n: 10, budgetErrors: 0, otherErrors: 0, p99: 2001 } })
    expect(slow.ok).toBe(false)
    expect(slow.crossed).toEqual(['search p99 2001 ms > 2000 ms'])
    expect(evaluateBudget({ search: { n: 10, budgetErrors: 0, otherErrors: 0, p99: 2000 } }).ok).toBe(true)
    expect(evaluateBudget({ search: { n: 1, budgetErrors: 0, otherErrors: 0, p99: Number.NaN } }).ok).toBe(false)
    expect(evaluateBudget({}, DEFAULT_BUDGET).crossed).toEqual(['only 0 operations ran'])
  })

  it('lets a window count operations still unanswered with their wait so far, once', () => {
    const stats = new OpStats()
    const done = stats.begin('history')
    const hung = stats.begin('search')
    OpStats.end(done, null, done.t0 + 40)
    OpStats.end(done, { status: 500 }, done.t0 + 90) // a second end is ignored
    stats.close(hung.t0 + 2500)
    OpStats.end(hung, { status: 0 }) // the late answer belongs to a closed window
    const f = stats.figures()
    expect(f.history).toMatchObject({ n: 1, budgetErrors: 0 })
    expect(f.history!.p99).toBeCloseTo(40, -1)
    expect(f.search).toMatchObject({ n: 1, budgetErrors: 0 })
    expect(f.search!.p99).toBeGreaterThan(2000)
    expect(evaluateBudget(f).ok).toBe(false)
  })

  it('merges windows across workers, failures split by kind and code', () => {
    const a = new OpStats()
    const b = new OpStats()
    a.record('send', 10, null)
    a.record('send', 20, { code: 'INTERNAL' })
    b.record('send', 30, { code: 'RATE_LIMITED' })
    b.record('view', 5, { status: 503 })
    const merged = new OpStats().merge(a.toJSON()).merge(JSON.parse(JSON.stringify(b.toJSON())))
    const f = merged.figures()
    expect(f.send).toMatchObject({ n: 3, budgetErrors: 1, otherErrors: 1, codes: { INTERNAL: 1, RATE_LIMITED: 1 } })
    expect(f.view).toMatchObject({ n: 1, budgetErrors: 1, codes: { HTTP_503: 1 } })
  })
})

describe('mixed workload: the ramp', () => {
  const plan = [100, 200, 400, 800]

  it('walks the plan while every step passes, then stops', () => {
    expect(nextStep(plan, [])).toBe(100)
    expect(nextStep(plan, [{ members: 100, ok: true }])).toBe(200)
    const all = plan.map(members => ({ members, ok: true }))
    expect(nextStep(plan, all)).toBeNull()
    expect(capacityOf(all)).toEqual({ capacity: 800, firstFailure: null })
  })

  it('after the first failure, tries halfway once, and the verdict is the largest pass below every failure', () => {
    const steps = [{ members: 100, ok: true }, { members: 200, ok: true }, { members: 400, ok: false }]
    expect(nextStep(plan, steps)).toBe(300)
    expect(nextStep(plan, steps, { bisections: 0 })).toBeNull()
    const more = [...steps, { members: 300, ok: true }]
    expect(nextStep(plan, more)).toBeNull()
    expect(capacityOf(more)).toEqual({ capacity: 300, firstFailure: 400 })
    const failedMid = [...steps, { members: 300, ok: false }]
    expect(capacityOf(failedMid)).toEqual({ capacity: 200, firstFailure: 300 })
    // A pass above a failure (noise) does not raise the verdict.
    expect(capacityOf([{ members: 100, ok: true }, { members: 200, ok: false }, { members: 400, ok: true }])).toEqual({ capacity: 100, firstFailure: 200 })
  })

  it('gives no verdict when the smallest step fails, and skips a bisection too narrow to matter', () => {
    expect(nextStep(plan, [{ members: 100, ok: false }])).toBeNull()
    expect(capacityOf([{ members: 100, ok: false }])).toEqual({ capacity: null, firstFailure: 100 })
    expect(nextStep([100, 110], [{ members: 100, ok: true }, { members: 110, ok: false }])).toBeNull()
  })
})

describe('server metrics of a window', () => {
  const scrape = (counts: number[]) => [0.005, 0.01, 0.05, 0.25, Infinity]
    .map((le, i) => `chat_send_emit_seconds_bucket{le="${le === Infinity ? '+Inf' : le}"} ${counts[i]}`).join('\n')

  it('takes the percentile from the difference of two cumulative scrapes', () => {
    const before = histogramBuckets(scrape([10, 10, 10, 10, 10]), 'chat_send_emit_seconds')
    const after = histogramBuckets(scrape([60, 108, 109, 110, 110]), 'chat_send_emit_seconds')
    expect(after).toHaveLength(5)
    expect(windowPercentileMs(before, after, 50)).toBe(5)
    expect(windowPercentileMs(before, after, 99)).toBe(50)
    expect(windowPercentileMs(before, after, 100)).toBe(250)
    expect(windowPercentileMs(before, before, 99)).toBeNaN()
  })
})
