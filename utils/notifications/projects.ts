import { unreadTotals, type UnreadSource, type UnreadTotals } from './unread'

/** A project as the switcher counts it: the server's totals, when the projects list carried them. */
export interface ProjectCounts {
  id: string
  unreadCount?: number
  mentionCount?: number
}

export interface ConversationCounts extends UnreadSource {
  projectId: string
}

/**
 * Unread totals per project. A project whose whole sidebar this tab read (`loaded`) is summed
 * from its conversations, which are kept live message by message; any other project uses the
 * totals the server sent with the projects list or a later live update.
 */
export function projectUnreads(
  projects: readonly ProjectCounts[],
  conversations: Iterable<ConversationCounts>,
  loaded: Readonly<Record<string, true>>,
  now: number
): Record<string, UnreadTotals> {
  const held = new Map<string, ConversationCounts[]>()
  for (const c of conversations) {
    if (!loaded[c.projectId]) continue
    const list = held.get(c.projectId)
    if (list) list.push(c)
    else held.set(c.projectId, [c])
  }
  const out: Record<string, UnreadTotals> = {}
  for (const p of projects) {
    out[p.id] = loaded[p.id] ? unreadTotals(held.get(p.id) ?? [], now) : { unread: p.unreadCount ?? 0, mentions: p.mentionCount ?? 0 }
  }
  return out
}

/** The sum over every project: what the tab title and the favicon show. */
export function grandTotal(perProject: Record<string, UnreadTotals>): UnreadTotals {
  let unread = 0
  let mentions = 0
  for (const t of Object.values(perProject)) {
    unread += t.unread
    mentions += t.mentions
  }
  return { unread, mentions }
}
