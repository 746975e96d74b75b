import { buildEmojiIndex, searchEmoji } from '#shared/emoji'
import type { EmojiEntry, EmojiIndex } from '#shared/emoji'

let loading: Promise<EmojiIndex> | null = null

/** Emojibase's data is large: it is read the first time someone types a `:shortcode`. */
function loadIndex(): Promise<EmojiIndex> {
  loading ??= Promise.all([
    import('emojibase-data/en/compact.json'),
    import('emojibase-data/en/shortcodes/github.json'),
    import('emojibase-data/en/shortcodes/iamcal.json')
  ]).then(([compact, github, iamcal]) => buildEmojiIndex(compact.default, github.default, iamcal.default))
    .catch((error: unknown) => {
      loading = null
      throw error
    })
  return loading
}

/** Emoji search for the composer's `:` autocomplete, over the lazily loaded index. */
export function useComposerEmoji() {
  const index = shallowRef<EmojiIndex | null>(null)

  async function search(query: string, limit = 8): Promise<EmojiEntry[]> {
    index.value ??= await loadIndex()
    return searchEmoji(index.value, query, limit)
  }

  return { search }
}
