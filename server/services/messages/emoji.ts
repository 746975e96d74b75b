import emojiData from 'emojibase-data/en/compact.json'
import githubShortcodes from 'emojibase-data/en/shortcodes/github.json'
import slackShortcodes from 'emojibase-data/en/shortcodes/iamcal.json'
import { buildEmojiIndex, type EmojiIndex } from '#shared/emoji'
import { lazy } from '../../infra/lazy'

/** The server's emoji set (the same data the client's picker loads): shortcodes and canonical spellings. */
export const useEmojiIndex = lazy('emoji-index', (): EmojiIndex => buildEmojiIndex(emojiData, githubShortcodes, slackShortcodes))
