import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers, parseRawPattern } from 'obscenity'
import type { AutomodConfig } from '#shared/automod-schemas'
import { readableOf } from './readable'
import type { Matcher } from './types'

/** obscenity's pattern syntax gives `[ ] ? | \` a meaning; a listed word is taken literally. */
const literal = (word: string) => word.toLowerCase().replace(/[[\]?|\\]/g, '')

/**
 * The built-in English list (with its leetspeak and look-alike transformers), plus the rule's
 * own words; its allow list joins obscenity's whitelist, so a match inside an allowed word
 * ("Scunthorpe", "assassin") never counts.
 */
export function profanityMatcher(config: AutomodConfig): Matcher {
  const dataset = new DataSet<{ originalWord: string }>().addAll(englishDataset)
  for (const word of (config.words ?? []).map(literal).filter(Boolean)) {
    dataset.addPhrase(phrase => phrase.setMetadata({ originalWord: word }).addPattern(parseRawPattern(word)))
  }
  const built = dataset.build()
  const matcher = new RegExpMatcher({
    ...built,
    whitelistedTerms: [...(built.whitelistedTerms ?? []), ...(config.allowWords ?? []).map(w => w.toLowerCase())],
    ...englishRecommendedTransformers
  })
  // The text as read, not as typed: `**b**ad`, "b\u200Bad" and "b\u00ADad" all read "bad".
  return (input) => {
    const text = readableOf(input)
    const [first] = matcher.getAllMatches(text, true)
    if (!first) return null
    const word = dataset.getPayloadWithPhraseMetadata(first).phraseMetadata?.originalWord
    return `word: ${word ?? text.slice(first.startIndex, first.endIndex + 1)}`
  }
}
