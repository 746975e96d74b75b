import type { AutomodConfig } from '#shared/automod-schemas'
import { withoutInvisible } from './readable'
import type { Matcher, RecentPost } from './types'

/** Texts that differ only in case, spacing and invisible characters count as the same text. */
export const sameText = (text: string) => withoutInvisible(text).trim().replace(/\s+/g, ' ').toLowerCase()

/**
 * Per sender per conversation (the caller passes that sender's earlier posts there): more than
 * `maxMessages` within the window, or more than `maxRepeats` copies of the same text.
 */
export function floodMatcher(config: AutomodConfig): Matcher {
  const windowMs = (config.windowSeconds ?? 60) * 1000
  return ({ content, recent, now }) => {
    const inWindow = recent.filter((p: RecentPost) => p.at > now - windowMs && p.at <= now)
    if (config.maxMessages && inWindow.length + 1 > config.maxMessages) {
      return `${inWindow.length + 1} messages in ${config.windowSeconds}s (limit ${config.maxMessages})`
    }
    if (config.maxRepeats) {
      const text = sameText(content)
      const copies = inWindow.filter(p => sameText(p.content) === text).length + 1
      if (copies > config.maxRepeats) return `same text ${copies} times in ${config.windowSeconds}s (limit ${config.maxRepeats})`
    }
    return null
  }
}

/** The longest window of any flood rule, so one query fetches enough history for all of them. */
export const floodWindowMs = (configs: readonly AutomodConfig[]) =>
  Math.max(0, ...configs.map(c => (c.windowSeconds ?? 60) * 1000))
