import type { UserSummary } from '#shared/types'

/** One row of the composer's autocomplete menu. */
export interface Suggestion {
  key: string
  /** What the row shows. */
  label: string
  /** What replaces the typed trigger (`@Ada Lovelace `, `😀`). */
  insert: string
  hint?: string
  /** An emoji shown in place of an avatar. */
  emoji?: string
  user?: UserSummary
  icon?: string
}

const BROADCASTS = [
  { name: 'here', hint: 'Notify everyone online' },
  { name: 'channel', hint: 'Notify everyone in this conversation' }
]

/**
 * Participants (and @here/@channel) for what follows the @: names starting with the query first,
 * then names containing it; case-insensitive, spaces allowed ("@ada lo").
 */
export function mentionSuggestions(people: readonly UserSummary[], query: string, options: { myId?: string, broadcasts?: boolean, limit?: number } = {}): Suggestion[] {
  const q = query.toLowerCase()
  const rank = (name: string) => name.startsWith(q) ? 0 : name.split(/\s+/).some(word => word.startsWith(q)) ? 1 : name.includes(q) ? 2 : -1
  const users = people
    .filter(p => p.id !== options.myId)
    .map(user => ({ user, score: rank(user.displayName.toLowerCase()) }))
    .filter(r => r.score >= 0)
    .sort((a, b) => a.score - b.score || a.user.displayName.localeCompare(b.user.displayName))
    .map(({ user }): Suggestion => ({ key: `user:${user.id}`, label: user.displayName, insert: `@${user.displayName} `, user }))
  const broadcasts = options.broadcasts === false
    ? []
    : BROADCASTS.filter(b => b.name.startsWith(q)).map((b): Suggestion => ({ key: b.name, label: `@${b.name}`, insert: `@${b.name} `, hint: b.hint, icon: 'i-lucide-megaphone' }))
  return [...users, ...broadcasts].slice(0, options.limit ?? 8)
}

/**
 * The `:shortcode` being typed at the caret (two characters at least, so times like 10:30 and
 * smileys like :) stay quiet), or null.
 */
export function emojiQueryAt(text: string, caret: number): { start: number, query: string } | null {
  const match = /(^|[\s(])(:([a-z0-9_+-]{2,32}))$/i.exec(text.slice(0, caret))
  if (!match) return null
  return { start: caret - match[2]!.length, query: match[3]! }
}

/** The text with `start..caret` replaced by `insert`, and where the caret goes. */
export function applyCompletion(text: string, start: number, caret: number, insert: string): { text: string, caret: number } {
  // A space already after the caret is not doubled.
  const rest = text.slice(caret)
  const value = insert.endsWith(' ') && rest.startsWith(' ') ? insert.slice(0, -1) : insert
  return { text: text.slice(0, start) + value + rest, caret: start + value.length + (value !== insert ? 1 : 0) }
}
