import type { NotificationPayload } from '#shared/events'

/**
 * Toast grouping: a burst of notifications about one conversation becomes one toast that counts
 * ("3 new messages in #general") instead of a stack. Pure: each call returns the next state.
 */

/** How long after the last notification of a conversation a new one still joins its toast. */
export const GROUP_WINDOW_MS = 6_000

/** One toast's worth of notifications about one conversation. */
export interface NotificationGroup {
  /** The toast's id: stable while the burst lasts, new for the next burst. */
  id: string
  conversationId: string
  count: number
  /** The newest notification of the burst: its sender, preview and link are shown. */
  latest: NotificationPayload
  /** Whether any notification of the burst mentioned the member (it colours the toast). */
  mentioned: boolean
  startedAt: number
  updatedAt: number
}

export interface GroupResult {
  groups: NotificationGroup[]
  group: NotificationGroup
  /** True when the notification started a burst (a new toast), false when it joined one (an update). */
  started: boolean
}

/** Drops bursts that ended more than a window ago: their toasts are gone or about to go. */
export function pruneGroups(groups: readonly NotificationGroup[], now: number, windowMs = GROUP_WINDOW_MS): NotificationGroup[] {
  return groups.filter(g => now - g.updatedAt <= windowMs)
}

/**
 * Adds a notification: it joins the live burst of its conversation (one whose last notification
 * came at most `windowMs` ago) or starts a new one. The same message twice (two sockets of one
 * member, a redelivery) counts once.
 */
export function addNotification(groups: readonly NotificationGroup[], payload: NotificationPayload, now: number, windowMs = GROUP_WINDOW_MS): GroupResult {
  const live = pruneGroups(groups, now, windowMs)
  const index = live.findIndex(g => g.conversationId === payload.conversationId)
  const held = index === -1 ? undefined : live[index]
  if (held) {
    const repeat = held.latest.messageId === payload.messageId
    const group: NotificationGroup = {
      ...held,
      count: repeat ? held.count : held.count + 1,
      latest: payload,
      mentioned: held.mentioned || payload.kind === 'mention',
      updatedAt: now
    }
    const next = live.slice()
    next[index] = group
    return { groups: next, group, started: false }
  }
  const group: NotificationGroup = {
    id: `notification-${payload.conversationId}-${now}`,
    conversationId: payload.conversationId,
    count: 1,
    latest: payload,
    mentioned: payload.kind === 'mention',
    startedAt: now,
    updatedAt: now
  }
  return { groups: [...live, group], group, started: true }
}

/** Ends a burst early (its toast was closed or clicked): the next notification opens a new toast. */
export function endGroup(groups: readonly NotificationGroup[], id: string): NotificationGroup[] {
  return groups.filter(g => g.id !== id)
}

export interface ToastText {
  title: string
  description: string
}

/**
 * What a group's toast says. One message: "Alice in #general" (or "Alice" in a DM) and the
 * preview. A burst: "3 new messages in #general" (or "from Alice" in a DM) and the
 * newest preview, prefixed by its sender in a conversation where several people write.
 * `label` is how the member's client names the conversation (`#general`); the server's title is
 * the fallback while the conversation is not listed yet.
 */
export function toastText(group: NotificationGroup, label: string | null, direct: boolean): ToastText {
  const { latest } = group
  const sender = latest.sender?.displayName
  const preview = oneLine(latest.body)
  if (group.count === 1) {
    // Named as the sidebar names it (`#general`); the server's own title until the conversation is listed.
    const title = sender && label ? (direct ? sender : `${sender} in ${label}`) : latest.title
    return { title, description: preview }
  }
  const where = direct
    ? `from ${sender ?? label ?? latest.title}`
    : `in ${label ?? latest.title}`
  const description = !preview ? '' : direct || !sender ? preview : `${sender}: ${preview}`
  return { title: `${group.count} new messages ${where}`, description }
}

/** A preview on one line, at most `max` characters. */
export function oneLine(text: string | undefined, max = 120): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
