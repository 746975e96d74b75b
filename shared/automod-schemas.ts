import { z } from 'zod'
import { RE2JS } from 're2js'
import type { Message } from './types'
import { AUTOMOD_ACTIONS, AUTOMOD_KINDS, type AutomodAction, type AutomodConfig, type AutomodKind } from './automod-enums'

export { AUTOMOD_ACTIONS, AUTOMOD_KINDS, type AutomodAction, type AutomodConfig, type AutomodKind }

export const AUTOMOD_PATTERN_MAX = 500
export const DRY_RUN_DEFAULT = 200
export const DRY_RUN_MAX = 2000
export const DEFAULT_MUTE_MINUTES = 10

/** Why a pattern cannot be used, or null when re2 compiles it (the same check runs in the editor and on save). */
export function regexProblem(pattern: string, caseInsensitive = false): string | null {
  try {
    RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
    return null
  } catch (error) {
    return error instanceof Error ? error.message : 'invalid pattern'
  }
}

/** A bare host name as admins type it: "Pastebin.com", "https://pastebin.com/x" and "*.pastebin.com" all mean pastebin.com. */
export function normalizeDomain(value: string): string {
  return value.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\*\./, '').replace(/[/?#:].*$/, '').replace(/\.$/, '')
}

const word = z.string().trim().min(1).max(100)
const words = z.array(word).max(500)
const domain = z.string().transform(normalizeDomain).pipe(z.string().min(1, 'empty domain').max(253).regex(/^[a-z0-9.-]+$/, 'not a domain name'))
const domains = z.array(domain).max(500)
const count = (min: number, max: number) => z.number().int().min(min).max(max)

export const automodConfigSchema = z.object({
  words: words.optional(),
  allowWords: words.optional(),
  caseInsensitive: z.boolean().optional(),
  maxMessages: count(1, 1000).optional(),
  maxRepeats: count(1, 1000).optional(),
  windowSeconds: count(1, 86_400).optional(),
  maxMentions: count(0, 1000).optional(),
  denyDomains: domains.optional(),
  allowDomains: domains.optional(),
  muteMinutes: count(1, 7 * 24 * 60).optional()
}).strict() satisfies z.ZodType<AutomodConfig>

const ruleFields = {
  name: z.string().trim().min(1, 'name a rule').max(100),
  kind: z.enum(AUTOMOD_KINDS),
  pattern: z.string().max(AUTOMOD_PATTERN_MAX).nullish(),
  config: automodConfigSchema.default({}),
  action: z.enum(AUTOMOD_ACTIONS),
  projectId: z.uuid().nullish(),
  enabled: z.boolean().default(true)
}

type RuleShape = { kind: AutomodKind, pattern?: string | null, config: AutomodConfig }

/** What each kind needs to be a rule that can match; reported on the field to fix. */
function checkKind(rule: RuleShape, ctx: z.RefinementCtx) {
  const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  const { config } = rule
  switch (rule.kind) {
    case 'regex': {
      if (!rule.pattern) return issue(['pattern'], 'a regex rule needs a pattern')
      const problem = regexProblem(rule.pattern, config.caseInsensitive)
      if (problem) issue(['pattern'], `invalid pattern: ${problem}`)
      return
    }
    case 'flood':
      if (!config.windowSeconds) issue(['config', 'windowSeconds'], 'a flood rule needs a window')
      if (!config.maxMessages && !config.maxRepeats) issue(['config', 'maxMessages'], 'set a message limit or a repeat limit')
      return
    case 'mentions':
      if (config.maxMentions === undefined) issue(['config', 'maxMentions'], 'a mentions rule needs a limit')
      return
    case 'links':
      if (!config.denyDomains?.length && !config.allowDomains?.length) issue(['config', 'denyDomains'], 'list domains to deny or to allow')
      return
    case 'profanity':
      return
  }
}

export const automodRuleInputSchema = z.object(ruleFields).superRefine(checkKind)
export type AutomodRuleInput = z.output<typeof automodRuleInputSchema>

/** A PATCH names only what changes; the merged rule is validated as a whole again. */
export const automodRulePatchSchema = z.object({
  name: ruleFields.name.optional(),
  kind: ruleFields.kind.optional(),
  pattern: ruleFields.pattern,
  config: automodConfigSchema.optional(),
  action: ruleFields.action.optional(),
  projectId: ruleFields.projectId,
  enabled: z.boolean().optional()
})

export const automodDryRunSchema = z.object({
  rule: automodRuleInputSchema,
  projectId: z.uuid().nullish(),
  limit: z.number().int().min(1).max(DRY_RUN_MAX).default(DRY_RUN_DEFAULT)
})

export interface AutomodRule {
  id: string
  name: string
  kind: AutomodKind
  pattern: string | null
  config: AutomodConfig
  action: AutomodAction
  projectId: string | null
  /** The project's name, for the scope column; null for every project. */
  projectName: string | null
  enabled: boolean
  createdAt: string
  updatedAt: string
  updatedBy: string | null
}

export interface AutomodDryRunMatch {
  message: Message
  outcome: AutomodAction
  /** What matched, e.g. the word, the link's host, "6 mentions". */
  matched: string
}
