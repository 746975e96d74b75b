import { searchEmoji } from '#shared/emoji'
import type { EmojiEntry, EmojiIndex } from '#shared/emoji'
import { loadEmojiIndex, sameEmoji } from '~/utils/chat/emoji-data'

/** The reactions one click away on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀'] as const

const RECENT_KEY = 'chat:recent-emoji'
const MAX_RECENTS = 24
/** Recently used emoji shown beside the fixed quick reactions. */
const QUICK_RECENTS = 2

/** Emoji data (loaded lazily), search, and the member's recently used emoji kept in localStorage. */
export function useEmoji() {
  const index = shallowRef<EmojiIndex | null>(null)
  const recents = useLocalStorage<string[]>(RECENT_KEY, [])

  async function load(): Promise<EmojiIndex> {
    index.value ??= await loadEmojiIndex()
    return index.value
  }

  /** Puts an emoji first in the recents. */
  function remember(emoji: string) {
    recents.value = [emoji, ...recents.value.filter(e => !sameEmoji(e, emoji))].slice(0, MAX_RECENTS)
  }

  const quick = computed(() => [
    ...QUICK_REACTIONS,
    ...recents.value.filter(e => !QUICK_REACTIONS.some(q => sameEmoji(q, e))).slice(0, QUICK_RECENTS)
  ])

  function search(query: string, limit?: number): EmojiEntry[] {
    return index.value ? searchEmoji(index.value, query, limit) : []
  }

  /** `:tada:` for 🎉 once the data is loaded; the emoji itself until then. */
  function nameOf(emoji: string): string {
    const entry = entryOf(emoji)
    return entry?.shortcodes[0] ? `:${entry.shortcodes[0]}:` : emoji
  }

  function entryOf(emoji: string): EmojiEntry | undefined {
    return index.value?.list.find(e => sameEmoji(e.unicode, emoji))
  }

  return { index, recents, quick, load, remember, search, nameOf, entryOf }
}
