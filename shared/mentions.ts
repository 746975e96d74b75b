/** Someone who can be @mentioned in a conversation. */
export interface Mentionable {
  id: string
  displayName: string
}

export type BroadcastMention = 'here' | 'channel'

/** One @mention found in plain text, with where it sits (UTF-16 offsets, `end` exclusive). */
export type FoundMention
  = | { kind: 'user', userId: string, start: number, end: number }
    | { kind: BroadcastMention, userId: null, start: number, end: number }

/** `@everyone` and `@all` are what Slack and Mattermost users type for `@channel`. */
const BROADCASTS: Record<string, BroadcastMention> = { here: 'here', channel: 'channel', everyone: 'channel', all: 'channel' }

const WORD = /[\p{L}\p{N}_]/u
// An @ right after a word character is an e-mail address or a handle elsewhere, not a mention.
const startsMention = (text: string, at: number) => text[at] === '@' && (at === 0 || !/[\p{L}\p{N}_.+-]/u.test(text[at - 1]!))
const endsWord = (text: string, at: number) => at >= text.length || !WORD.test(text[at]!)

/**
 * The @mentions in a piece of plain text (markdown code is the caller's to leave out). Names may
 * hold spaces ("@Ada Lovelace"), so the longest member name that matches wins, and it must end
 * where a word ends: "@Ada," and "@Ada!" mention Ada, "@Adam" does not.
 */
export function findMentions(text: string, members: readonly Mentionable[]): FoundMention[] {
  const candidates = members
    .map(m => ({ id: m.id, name: m.displayName.trim().toLowerCase() }))
    .filter(m => m.name.length > 0)
    .sort((a, b) => b.name.length - a.name.length)
  const found: FoundMention[] = []
  const lower = text.toLowerCase()
  // Lower-casing can change lengths for a few scripts; offsets are only trusted when it does not.
  const sameLength = lower.length === text.length
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (!startsMention(text, at)) continue
    const word = /^[\p{L}\p{N}_]+/u.exec(text.slice(at + 1))?.[0]?.toLowerCase()
    const broadcast = word ? BROADCASTS[word] : undefined
    if (broadcast && !candidates.some(c => c.name === word)) {
      found.push({ kind: broadcast, userId: null, start: at, end: at + 1 + word!.length })
      continue
    }
    if (!sameLength) continue
    const match = candidates.find(c => lower.startsWith(c.name, at + 1) && endsWord(text, at + 1 + c.name.length))
    if (match) {
      const end = at + 1 + match.name.length
      found.push({ kind: 'user', userId: match.id, start: at, end })
      at = end - 1
    }
  }
  return found
}

/**
 * What the member is typing after an `@` at the caret, for the composer's autocomplete: the text
 * from the `@` to the caret, or null when the caret is not in a mention. Spaces are allowed (names
 * have them) up to 30 characters.
 */
export function mentionQueryAt(text: string, caret: number): { start: number, query: string } | null {
  const before = text.slice(0, caret)
  const at = before.lastIndexOf('@')
  if (at === -1 || !startsMention(text, at)) return null
  const query = before.slice(at + 1)
  if (query.length > 30 || /[\n@]/.test(query) || /^\s/.test(query) || /\s{2}/.test(query)) return null
  return { start: at, query }
}
