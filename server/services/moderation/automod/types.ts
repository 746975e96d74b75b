import type { AutomodAction, AutomodConfig, AutomodKind } from '#shared/automod-schemas'

/** A rule as the engine needs it; the stored row and an unsaved dry-run rule both give these. */
export interface RuleSpec {
  id: string | null
  name: string
  kind: AutomodKind
  pattern?: string | null
  config: AutomodConfig
  action: AutomodAction
  projectId?: string | null
}

/** An earlier message by the same sender in the same conversation (flood looks at these). */
export interface RecentPost {
  content: string
  at: number
}

/** What a rule looks at. Mentions and history are only filled in when a rule of that kind applies. */
export interface MatchInput {
  content: string
  /**
   * The rendered, folded text members will read (see readableOf), computed once per check and
   * shared by the rules that read text; filled in on first use when the caller leaves it out.
   */
  readable?: string
  mentionCount: number
  recent: readonly RecentPost[]
  now: number
}

/** Says what matched ("word: …", "link: pastebin.com", "6 mentions"), or null. */
export type Matcher = (input: MatchInput) => string | null

export interface CompiledRule {
  spec: RuleSpec
  /** Which extra input the matcher reads, so the send path fetches only what some rule needs. */
  needs: 'text' | 'mentions' | 'history'
  match: Matcher
}
