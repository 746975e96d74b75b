import type { CompactEmoji, ShortcodesDataset } from 'emojibase'

/** One emoji as the picker, the autocomplete and the renderer see it. */
export interface EmojiEntry {
  unicode: string
  label: string
  /** Without colons, most familiar first: `wave`, `+1`, `thumbsup`. */
  shortcodes: string[]
  tags: string[]
  /** Emojibase group (0 smileys … 9 flags); skin-tone components are left out. */
  group: number
}

export interface EmojiIndex {
  list: EmojiEntry[]
  /** `wave` → 👋 */
  byShortcode: ReadonlyMap<string, string>
  /** Every emoji and skin tone, keyed without presentation selectors, to its fully qualified form. */
  qualified: ReadonlyMap<string, string>
}

/** U+FE0E / U+FE0F: the same emoji may arrive with or without them. */
const bare = (text: string) => text.replace(/[\uFE0E\uFE0F]/g, '')

/**
 * The spelling Unicode's emoji-test.txt lists as fully qualified. Emojibase writes every emoji with
 * U+FE0F, also those whose default presentation is already emoji (👍 is U+1F44D, not U+1F44D U+FE0F),
 * so a client comparing the 👍 it sent would not find its reaction; sequences it spells correctly.
 */
export const fullyQualified = (unicode: string) => /^\p{Emoji_Presentation}\uFE0F$/u.test(unicode) ? unicode.slice(0, -1) : unicode

/** Emojibase's skin-tone and hair components: parts of emoji, not emoji to pick. */
const COMPONENT_GROUP = 2

/**
 * Joins emojibase's emoji with shortcode sets (GitHub's, then Slack's iamcal names as aliases),
 * so `:+1:`, `:thumbsup:` and `:wave:` all mean what their users expect.
 */
export function buildEmojiIndex(emoji: readonly CompactEmoji[], ...shortcodeSets: ShortcodesDataset[]): EmojiIndex {
  const list: EmojiEntry[] = []
  const byShortcode = new Map<string, string>()
  const qualified = new Map<string, string>()
  for (const e of emoji) {
    if (e.group === undefined || e.group === COMPONENT_GROUP) continue
    for (const variant of [e, ...(e.skins ?? [])]) qualified.set(bare(variant.unicode), fullyQualified(variant.unicode))
    const names = [...new Set(shortcodeSets.flatMap(set => [set[e.hexcode] ?? []].flat()))]
    if (names.length === 0) continue
    const unicode = fullyQualified(e.unicode)
    list.push({ unicode, label: e.label, shortcodes: names, tags: e.tags ?? [], group: e.group })
    for (const name of names) if (!byShortcode.has(name)) byShortcode.set(name, unicode)
  }
  list.sort((a, b) => a.group - b.group)
  return { list, byShortcode, qualified }
}

/**
 * The one spelling a reaction is stored under: a known emoji (any skin tone, with or without
 * presentation selectors) or a `:shortcode:`, fully qualified; null for anything else.
 */
export function canonicalEmoji(index: EmojiIndex, input: string): string | null {
  const text = input.trim()
  const named = /^:([\w+-]+):$/.exec(text)
  if (named) return index.byShortcode.get(named[1]!.toLowerCase()) ?? null
  return index.qualified.get(bare(text)) ?? null
}

/**
 * Emoji for a typed query, best first: shortcodes starting with it, then shortcodes containing it,
 * then labels and tags containing it.
 */
export function searchEmoji(index: EmojiIndex, query: string, limit = 50): EmojiEntry[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '')
  if (!q) return index.list.slice(0, limit)
  const rank = (e: EmojiEntry) => {
    if (e.shortcodes.some(s => s === q)) return 0
    if (e.shortcodes.some(s => s.startsWith(q))) return 1
    if (e.shortcodes.some(s => s.includes(q))) return 2
    if (e.label.toLowerCase().includes(q) || e.tags.some(t => t.startsWith(q))) return 3
    return -1
  }
  return index.list
    .map((entry, order) => ({ entry, order, score: rank(entry) }))
    .filter(r => r.score >= 0)
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .slice(0, limit)
    .map(r => r.entry)
}
