import { plainTextOf } from '../../messages/markdown/render'
import type { MatchInput } from './types'

// Zero-width space and joiners, word joiner, BOM, soft hyphen, bidi controls, variation selectors,
// Hangul fillers…: they split a word for a matcher and never for a reader.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu

/** Drops the characters nobody sees. */
export const withoutInvisible = (text: string) => text.replace(INVISIBLE, '')

/** Text as a reader takes it in: compatibility forms folded (NFKC: fullwidth letters, ligatures), invisible characters gone. */
export const foldText = (text: string) => withoutInvisible(text.normalize('NFKC'))

/** What members will read of a message's markdown (see plainTextOf), folded: what the text rules look at. */
export const readableText = (content: string) => foldText(plainTextOf(content))

/** The input's readable text, worked out at most once however many rules read it. */
export function readableOf(input: MatchInput): string {
  input.readable ??= readableText(input.content)
  return input.readable
}
