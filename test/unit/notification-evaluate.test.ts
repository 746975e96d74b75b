import { describe, expect, it } from 'vitest'
import { channelsFor, inDnd, kindsFor, levelAllows, type Candidate } from '../../server/services/notifications/evaluate'

const now = new Date('2026-12-01T12:00:00Z')
const later = new Date('2026-12-01T13:00:00Z')
const earlier = new Date('2026-12-01T11:00:00Z')
const person = (userId: string, over: Partial<Candidate> = {}): Candidate =>
  ({ userId, level: 'all', muted: false, mutedUntil: null, dndUntil: null, inThread: false, ...over })

describe('kindsFor', () => {
  it('a mention wins over a thread reply, a thread reply over a DM; @here reaches only who is online', () => {
    const people = [person('bob', { inThread: true }), person('carol', { inThread: true }), person('dave'), person('erin')]
    const mention = { mentions: [{ userId: 'bob', kind: 'user' as const }], threadRootId: 'root' }
    expect(Object.fromEntries(kindsFor(mention, 'group', people, {}))).toEqual({ bob: 'mention', carol: 'reply' })
    expect(Object.fromEntries(kindsFor({ mentions: [], threadRootId: null }, 'direct', [person('bob')], {}))).toEqual({ bob: 'dm' })
    const here = { mentions: [{ userId: null, kind: 'here' as const }], threadRootId: null }
    expect(Object.fromEntries(kindsFor(here, 'group', people, { dave: 'online', erin: 'away' }))).toEqual({ dave: 'mention' })
  })
})

describe('levelAllows', () => {
  it.each([
    ['all', ['mention', 'reply', 'dm']],
    ['mentions', ['mention', 'dm']],
    ['none', []]
  ] as const)('level %s lets through %j', (level, kinds) => {
    expect((['mention', 'reply', 'dm'] as const).filter(k => levelAllows(person('bob', { level }), k, now))).toEqual(kinds)
  })

  it('a mute in force holds everything back; one that ended does not', () => {
    expect(levelAllows(person('bob', { mutedUntil: later }), 'dm', now)).toBe(false)
    expect(levelAllows(person('bob', { muted: true }), 'mention', now)).toBe(false)
    expect(levelAllows(person('bob', { mutedUntil: earlier }), 'mention', now)).toBe(true)
  })
})

describe('inDnd and channelsFor', () => {
  it('Do Not Disturb: a timer ahead or the chosen status', () => {
    expect(inDnd(person('bob', { dndUntil: later }), new Set(), now)).toBe(true)
    expect(inDnd(person('bob', { dndUntil: earlier }), new Set(), now)).toBe(false)
    expect(inDnd(person('bob'), new Set(['bob']), now)).toBe(true)
  })

  it('in the app unless a client shows the conversation; push only when no client is visible', () => {
    expect(channelsFor(undefined, 'c1')).toEqual({ inApp: true, push: true, email: true })
    expect(channelsFor({ anyVisible: true, conversations: new Set(['c1']) }, 'c1')).toEqual({ inApp: false, push: false, email: true })
    expect(channelsFor({ anyVisible: true, conversations: new Set(['c2']) }, 'c1')).toEqual({ inApp: true, push: false, email: true })
    expect(channelsFor({ anyVisible: false, conversations: new Set() }, 'c1')).toEqual({ inApp: true, push: true, email: true })
  })
})
