import { searchEmoji } from '#shared/emoji'
import type { EmojiEntry, EmojiIndex } from '#shared/emoji'
import { loadEmojiIndex } from '~/utils/chat/emoji-data'

/** Emoji search for the composer's `:` autocomplete, over the index loaded the first time someone types a `:shortcode`. */
export function useComposerEmoji() {
  const index = shallowRef<EmojiIndex | null>(null)

  async function search(query: string, limit = 8): Promise<EmojiEntry[]> {
    index.value ??= await loadEmojiIndex()
    return searchEmoji(index.value, query, limit)
  }

  return { search }
}
