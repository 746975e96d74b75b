import type { CompactEmoji, ShortcodesDataset } from 'emojibase'
import { buildEmojiIndex } from '#shared/emoji'
import type { EmojiIndex } from '#shared/emoji'

// The emoji data is a static asset: memoising its one parse is the module cache's job, not app state.
let pending: Promise<EmojiIndex> | undefined

/** Emojibase's data and shortcodes, imported on first use so they stay out of the entry bundle. */
export function loadEmojiIndex(): Promise<EmojiIndex> {
  pending ??= Promise.all([
    import('emojibase-data/en/compact.json'),
    import('emojibase-data/en/shortcodes/github.json'),
    import('emojibase-data/en/shortcodes/iamcal.json')
  ]).then(([emoji, github, iamcal]) => buildEmojiIndex(
    emoji.default as CompactEmoji[],
    github.default as ShortcodesDataset,
    iamcal.default as ShortcodesDataset
  )).catch((error: unknown) => {
    pending = undefined
    throw error
  })
  return pending
}

/** The same emoji with or without presentation selectors (U+FE0E/U+FE0F): 👍 and 👍️ are one reaction. */
export function sameEmoji(a: string, b: string): boolean {
  return a.replace(/[\uFE0E\uFE0F]/g, '') === b.replace(/[\uFE0E\uFE0F]/g, '')
}
