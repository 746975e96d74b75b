import { findMentions, type Mentionable } from '#shared/mentions'
import type { AutomodConfig } from '#shared/automod-schemas'
import type { Matcher } from './types'

/** @-mentions in a text as the renderer finds them: people, plus @here / @channel (and their aliases). */
export const countMentions = (content: string, members: readonly Mentionable[]) => findMentions(content, members).length

export function mentionsMatcher(config: AutomodConfig): Matcher {
  const max = config.maxMentions ?? 0
  return ({ mentionCount }) => mentionCount > max ? `${mentionCount} mentions (limit ${max})` : null
}
