import { describe, expect, it } from 'vitest'
import { getProfile, parseDurationS, PROFILE_NAMES } from '../../load/lib/profiles.mjs'
import { planVus } from '../../load/lib/driver.mjs'

describe('load driver profiles', () => {
  it('offers the k6 suite profiles plus the failover check', () => {
    expect(PROFILE_NAMES).toEqual(expect.arrayContaining(['smoke', 'load', 'stress', 'soak', 'failover']))
    expect(getProfile('soak', { SOAK_DURATION: '3h' }).durationS).toBe(10800)
    expect(getProfile('soak', {}).refreshTokens).toBe(true)
    expect(getProfile('smoke', { DURATION: '45s' }).durationS).toBe(45)
    expect(() => getProfile('nope', {})).toThrow(/unknown profile/)
    expect(parseDurationS('2m')).toBe(120)
  })

  it('scales members and rates, and takes JSON overrides', () => {
    const p = getProfile('load', { SCALE: '0.1' })
    expect(p.chat.members).toBe(25)
    expect(p.hot.ratePerSender).toBeCloseTo(0.5)
    const o = getProfile('smoke', { LOAD_PROFILE_OVERRIDES: JSON.stringify({ chat: { members: 300, mix: { room: 1 } }, storm: { members: 0 } }) })
    expect(o.chat).toEqual({ members: 300, sendEveryS: 2, mix: { room: 1 } })
    expect(o.storm.members).toBe(0)
  })

  it('spreads virtual users over instances and keeps socket users distinct', () => {
    const p = getProfile('smoke', {})
    const vus = planVus(p, 50, 2)
    const sockets = vus.filter(v => !['history', 'search'].includes(v.kind))
    expect(sockets).toHaveLength(p.chat.members + p.storm.members + p.hot.listeners + p.hot.senders)
    expect(new Set(sockets.map(v => v.userIndex)).size).toBe(sockets.length)
    expect(new Set(vus.map(v => v.home))).toEqual(new Set([0, 1]))
    expect(vus.filter(v => v.kind === 'history').map(v => v.userIndex)).toEqual([49])
  })
})
