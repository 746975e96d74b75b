import { afterEach, describe, expect, it } from 'vitest'
import type { User } from '#shared/types'
import { api, closeAllSockets, must, signUp, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

const me = async (s: Session) => must(await api<{ user: User }>(s.base, 'GET', '/api/me', { token: s.token }), 'me').user
const patch = (s: Session, body: unknown) => api<{ user: User, error?: { code: string, details?: unknown } }>(s.base, 'PATCH', '/api/me', { token: s.token, body })

describe('PATCH /api/me: notification choices', () => {
  it('starts from the defaults and sets email level, previews and a Do Not Disturb timer', async () => {
    const bob = await signUp('Bob')
    expect(bob.user).toMatchObject({ emailNotifications: 'mentions', notificationPreview: true, dndUntil: null })
    expect(await me(bob)).toMatchObject({ emailNotifications: 'mentions', notificationPreview: true, dndUntil: null })
    const until = new Date(Date.now() + 30 * 60_000).toISOString()
    const res = await patch(bob, { emailNotifications: 'all', notificationPreview: false, dndUntil: until })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ emailNotifications: 'all', notificationPreview: false, dndUntil: until })
    expect(await me(bob)).toMatchObject({ emailNotifications: 'all', notificationPreview: false, dndUntil: until })
    // A time already past, like null, turns it off.
    expect((await patch(bob, { dndUntil: new Date(Date.now() - 60_000).toISOString() })).body.user.dndUntil).toBeNull()
    must(await patch(bob, { dndUntil: until }), 'again')
    expect((await patch(bob, { dndUntil: null })).body.user.dndUntil).toBeNull()
    // An offset is the instant it names.
    expect((await patch(bob, { dndUntil: '2999-01-01T10:00:00+02:00' })).body.user.dndUntil).toBe('2999-01-01T08:00:00.000Z')
  })

  it.each([
    ['an unknown email level', { emailNotifications: 'sometimes' }, 'emailNotifications'],
    ['a non-boolean preview', { notificationPreview: 'no' }, 'notificationPreview'],
    ['a date that is not ISO 8601', { dndUntil: 'tomorrow' }, 'dndUntil'],
    ['a date past the accepted range', { dndUntil: '3000-01-01T00:00:00Z' }, 'dndUntil'],
    ['a date before it', { dndUntil: '1969-12-31T23:59:59Z' }, 'dndUntil'],
    ['a number', { dndUntil: 1700000000000 }, 'dndUntil'],
    ['an unknown field beside a good one', { notificationPreview: false, pushEverything: true }, 'pushEverything']
  ])('refuses %s with VALIDATION and changes nothing', async (_what, body, field) => {
    const bob = await signUp('Bob')
    const res = await patch(bob, body)
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('VALIDATION')
    expect(JSON.stringify(res.body.error)).toContain(field)
    expect(await me(bob)).toMatchObject({ emailNotifications: 'mentions', notificationPreview: true, dndUntil: null })
  })
})
