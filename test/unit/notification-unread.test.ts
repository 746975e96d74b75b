import { describe, expect, it } from 'vitest'
import { APP_TITLE, faviconBadgeText, isQuiet, unreadTitle, unreadTotals } from '../../utils/notifications/unread'
import { grandTotal, projectUnreads } from '../../utils/notifications/projects'
import type { ConversationPreferences } from '#shared/types'

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0)
const LOUD: ConversationPreferences = { notificationLevel: 'all', mutedUntil: null }
const MUTED: ConversationPreferences = { notificationLevel: 'all', mutedUntil: new Date(NOW + 60_000).toISOString() }
const MUTE_OVER: ConversationPreferences = { notificationLevel: 'all', mutedUntil: new Date(NOW - 1).toISOString() }
const NOTHING: ConversationPreferences = { notificationLevel: 'none', mutedUntil: null }

describe('tab title', () => {
  it('prefixes the unread count to the page and app name', () => {
    expect(unreadTitle('general', 3)).toBe(`(3) general · ${APP_TITLE}`)
    expect(unreadTitle('general', 0)).toBe(`general · ${APP_TITLE}`)
  })

  it('is the app name alone without a page title', () => {
    expect(unreadTitle(undefined, 0)).toBe(APP_TITLE)
    expect(unreadTitle('', 5)).toBe(`(5) ${APP_TITLE}`)
    expect(unreadTitle(APP_TITLE, 1)).toBe(`(1) ${APP_TITLE}`)
  })

  it('caps at 99+ like the sidebar badges', () => {
    expect(unreadTitle('general', 99)).toBe(`(99) general · ${APP_TITLE}`)
    expect(unreadTitle('general', 100)).toBe(`(99+) general · ${APP_TITLE}`)
  })
})

describe('favicon badge', () => {
  it('draws nothing at zero, digits up to 9, then 9+', () => {
    expect(faviconBadgeText(0)).toBeNull()
    expect(faviconBadgeText(-1)).toBeNull()
    expect(faviconBadgeText(1)).toBe('1')
    expect(faviconBadgeText(9)).toBe('9')
    expect(faviconBadgeText(10)).toBe('9+')
    expect(faviconBadgeText(1234)).toBe('9+')
  })
})

describe('unread totals', () => {
  it('sums unread messages; a muted or "nothing" conversation adds only its mentions', () => {
    const totals = unreadTotals([
      { unreadCount: 3, mentionCount: 0, preferences: LOUD },
      { unreadCount: 5, mentionCount: 1, preferences: MUTED },
      { unreadCount: 4, mentionCount: 0, preferences: NOTHING },
      { unreadCount: 2, mentionCount: 0, preferences: MUTE_OVER }
    ], NOW)
    expect(totals).toEqual({ unread: 3 + 1 + 0 + 2, mentions: 1 })
  })

  it('tells a live mute from one that ran out', () => {
    expect(isQuiet(MUTED, NOW)).toBe(true)
    expect(isQuiet(MUTED, NOW + 60_000)).toBe(false)
    expect(isQuiet(MUTE_OVER, NOW)).toBe(false)
    expect(isQuiet(undefined, NOW)).toBe(false)
  })

  it('per project: held sidebars are summed live, other projects use the server\'s totals', () => {
    const projects = [
      { id: 'p-demo', unreadCount: 99, mentionCount: 9 },
      { id: 'p-apollo', unreadCount: 2, mentionCount: 1 },
      { id: 'p-empty' }
    ]
    const conversations = [
      { projectId: 'p-demo', unreadCount: 3, mentionCount: 1, preferences: LOUD },
      { projectId: 'p-demo', unreadCount: 1, mentionCount: 0, preferences: LOUD },
      // A DM of Apollo this tab heard about without reading Apollo's sidebar: not a total.
      { projectId: 'p-apollo', unreadCount: 1, mentionCount: 0, preferences: LOUD }
    ]
    const per = projectUnreads(projects, conversations, { 'p-demo': true }, NOW)
    expect(per).toEqual({
      'p-demo': { unread: 4, mentions: 1 },
      'p-apollo': { unread: 2, mentions: 1 },
      'p-empty': { unread: 0, mentions: 0 }
    })
    expect(grandTotal(per)).toEqual({ unread: 6, mentions: 2 })
  })
})
