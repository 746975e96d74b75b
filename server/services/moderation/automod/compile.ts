import { floodMatcher } from './flood'
import { linksMatcher } from './links'
import { mentionsMatcher } from './mentions'
import { profanityMatcher } from './profanity'
import { regexMatcher } from './regex'
import type { CompiledRule, RuleSpec } from './types'

/** Builds a rule's matcher once (word lists into a matcher, the pattern into an re2 program). */
export function compileRule(spec: RuleSpec): CompiledRule {
  switch (spec.kind) {
    case 'profanity': return { spec, needs: 'text', match: profanityMatcher(spec.config) }
    case 'regex': return { spec, needs: 'text', match: regexMatcher(spec.pattern ?? '', spec.config.caseInsensitive) }
    case 'links': return { spec, needs: 'text', match: linksMatcher(spec.config) }
    case 'mentions': return { spec, needs: 'mentions', match: mentionsMatcher(spec.config) }
    case 'flood': return { spec, needs: 'history', match: floodMatcher(spec.config) }
  }
}
