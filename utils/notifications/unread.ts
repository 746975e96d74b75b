import type { ConversationPreferences } from '#shared/types'
import { isActiveUntil } from './timers'

/** The app's name: the tab title's last part and the browser notification's fallback title. */
export const APP_TITLE = 'Project Chat'

/**
 * The tab title: the page's own title, then the app's name, prefixed by the unread count:
 * `(3) general · Project Chat`. Past 99 the count reads `99+`, as the sidebar's badges do.
 */
export function unreadTitle(pageTitle: string | null | undefined, count: number): string {
  const base = pageTitle && pageTitle !== APP_TITLE ? `${pageTitle} · ${APP_TITLE}` : APP_TITLE
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base
}

/** The favicon badge's text, short enough for a 32 px icon: `1`…`9`, then `9+`; null draws no badge. */
export function faviconBadgeText(count: number): string | null {
  if (count <= 0) return null
  return count > 9 ? '9+' : String(count)
}

/** What the title and favicon count: unread messages of conversations that are not muted. */
export interface UnreadSource {
  unreadCount: number
  mentionCount: number
  preferences?: ConversationPreferences
}

export interface UnreadTotals {
  unread: number
  mentions: number
}

/**
 * Sums unread messages over conversations. A muted conversation, or one set to "nothing",
 * keeps its own badge in the sidebar but adds only its mentions here: it asked not to be heard.
 */
export function unreadTotals(list: Iterable<UnreadSource>, now: number): UnreadTotals {
  let unread = 0
  let mentions = 0
  for (const c of list) {
    mentions += c.mentionCount
    unread += isQuiet(c.preferences, now) ? c.mentionCount : c.unreadCount
  }
  return { unread, mentions }
}

/** Muted right now, or set to be told nothing. */
export function isQuiet(preferences: ConversationPreferences | undefined, now: number): boolean {
  return !!preferences && (preferences.notificationLevel === 'none' || isActiveUntil(preferences.mutedUntil, now))
}
