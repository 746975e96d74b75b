import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import { DEFAULT_MUTE_MINUTES } from '#shared/automod-schemas'
import { useDb } from '../../../db/client'
import { messages, projectMembers, userSanctions } from '../../../db/schema'
import { recordAudit, systemActor } from '../../audit/log'
import { AppError } from '../../../utils/errors'
import type { Membership } from '../../access'
import { mentionablesFor } from '../../messages/mentions'
import type { ContentFlag, PostingRequest } from '../posting-policy'
import type { Actor } from '../../../domain/actor'
import { enabledRules } from './cache'
import { floodWindowMs } from './flood'
import { countMentions } from './mentions'
import { readableText } from './readable'
import type { CompiledRule, MatchInput, RecentPost } from './types'

const FLOOD_HISTORY_MAX = 1000

/** A rule that matched, with what it saw. */
export interface RuleHit {
  rule: CompiledRule
  matched: string
}

/** Rules for this project (and every project), that read what this action has: flood counts new messages only. */
const applicable = (rules: readonly CompiledRule[], projectId: string, action: PostingRequest['action']) =>
  rules.filter(r => (!r.spec.projectId || r.spec.projectId === projectId) && (r.needs !== 'history' || action === 'send'))

/** The sender's own recent posts in this conversation, as far back as the longest flood window reaches. */
async function recentPosts(actor: Actor, conversationId: string, windowMs: number): Promise<RecentPost[]> {
  const db = await useDb()
  const rows = await db.select({ content: messages.content, createdAt: messages.createdAt }).from(messages)
    .where(and(eq(messages.senderId, actor.id), eq(messages.conversationId, conversationId), isNull(messages.deletedAt),
      gt(messages.createdAt, new Date(Date.now() - windowMs))))
    .orderBy(desc(messages.createdAt)).limit(FLOOD_HISTORY_MAX)
  return rows.map(r => ({ content: r.content, at: r.createdAt.getTime() }))
}

/** Every rule that matches, fetching mentions and history only when some rule needs them. */
export async function findHits(actor: Actor, request: PostingRequest & { content: string }): Promise<RuleHit[]> {
  const { conversation } = request.membership
  const rules = applicable(await enabledRules(), conversation.projectId, request.action)
  if (!rules.length) return []
  const input: MatchInput = { content: request.content, mentionCount: 0, recent: [], now: Date.now() }
  // Rendered and folded once for every rule that reads text.
  if (rules.some(r => r.needs === 'text')) input.readable = readableText(request.content)
  if (rules.some(r => r.needs === 'mentions')) {
    const db = await useDb()
    input.mentionCount = countMentions(request.content, await mentionablesFor(db, conversation.id, request.content))
  }
  const flood = rules.filter(r => r.needs === 'history')
  if (flood.length) input.recent = await recentPosts(actor, conversation.id, floodWindowMs(flood.map(r => r.spec.config)))
  return matching(rules, input)
}

function matching(rules: readonly CompiledRule[], input: MatchInput): RuleHit[] {
  const hits: RuleHit[] = []
  for (const rule of rules) {
    const matched = rule.match(input)
    if (matched) hits.push({ rule, matched })
  }
  return hits
}

/** The rules that read text alone (words, patterns, links) run on `text`; mentions and flood are about messages. */
function textHits(rules: readonly CompiledRule[], text: string): RuleHit[] {
  const textRules = rules.filter(r => r.needs === 'text')
  if (!textRules.length) return []
  return matching(textRules, { content: text, readable: readableText(text), mentionCount: 0, recent: [], now: Date.now() })
}

/** Mutes the sender in the conversation's project for the rule's duration and refuses the post with MUTED. */
async function muteSender(actor: Actor, projectId: string, hit: RuleHit): Promise<never> {
  const minutes = hit.rule.spec.config.muteMinutes ?? DEFAULT_MUTE_MINUTES
  const until = new Date(Date.now() + minutes * 60_000)
  const reason = `automod: ${hit.rule.spec.name}`
  const db = await useDb()
  // A sanction no person decided is on record all the same, under the automod's name.
  await db.transaction(async (tx) => {
    const [sanction] = await tx.insert(userSanctions).values({ userId: actor.id, kind: 'mute', projectId, reason, until }).returning({ id: userSanctions.id })
    await recordAudit(tx, systemActor('automod'), 'user.mute', { type: 'user', id: actor.id }, {
      userId: actor.id, ruleId: hit.rule.spec.id, rule: hit.rule.spec.name, after: { sanctionId: sanction!.id, projectId, until: until.toISOString(), reason }
    })
  })
  throw new AppError('MUTED', `you are muted: ${reason}`, { until: until.toISOString(), reason, rule: hit.rule.spec.name, kind: hit.rule.spec.kind })
}

/**
 * The automod content check in the posting policy. Mute beats block beats flag: the harshest
 * outcome among the matching rules wins, and flags only count when the post goes through.
 * Global admins are exempt (they also write the rules and must be able to quote what they ban).
 */
export async function automodCheck(actor: Actor, request: PostingRequest & { content: string }): Promise<ContentFlag[] | undefined> {
  if (actor.role === 'admin') return
  return judge(actor, request.membership.conversation.projectId, await findHits(actor, request))
}

const blocked = (hit: RuleHit) =>
  new AppError('CONTENT_BLOCKED', `blocked by the rule "${hit.rule.spec.name}"`, { rule: hit.rule.spec.name, kind: hit.rule.spec.kind })

async function judge(actor: Actor, projectId: string, hits: readonly RuleHit[]): Promise<ContentFlag[] | undefined> {
  if (!hits.length) return
  const mute = hits.find(h => h.rule.spec.action === 'mute')
  if (mute) return muteSender(actor, projectId, mute)
  const block = hits.find(h => h.rule.spec.action === 'block')
  if (block) throw blocked(block)
  return hits.map(h => ({ ruleId: h.rule.spec.id, rule: h.rule.spec.name, kind: h.rule.spec.kind, matched: h.matched }))
}

/**
 * The names of the files a message brings are part of what its readers see (a file sent without
 * text shows only them): the text rules judge them as they judge the message's text, and their
 * flags are queued with the message. Call before the send's posting policy, so a refusal costs nothing.
 */
export async function automodCheckFileNames(actor: Actor, { conversation }: Membership, fileNames: readonly string[]): Promise<ContentFlag[]> {
  if (actor.role === 'admin' || !fileNames.length) return []
  const rules = applicable(await enabledRules(), conversation.projectId, 'send')
  return await judge(actor, conversation.projectId, textHits(rules, fileNames.join('\n'))) ?? []
}

/** Where a title or name is read: one project (a conversation title), or every project its user belongs to (a display name). */
export type TextPlace = { projectId: string } | { projectsOf: string }

/**
 * The text rules for what is not a message: conversation titles and display names. Any rule that
 * matches refuses with CONTENT_BLOCKED and nothing changes: there is no message to queue a flag
 * against, and a mute for a name would reach past any one conversation, so a flag-only rule lets
 * the text through and a mute rule blocks.
 */
export async function assertTextAllowed(actor: Actor, text: string, place: TextPlace): Promise<void> {
  if (actor.role === 'admin') return
  const rules = (await enabledRules()).filter(r => r.needs === 'text')
  if (!rules.length) return
  let projectIds = 'projectId' in place ? [place.projectId] : []
  if ('projectsOf' in place && rules.some(r => r.spec.projectId)) {
    const db = await useDb()
    const rows = await db.select({ projectId: projectMembers.projectId }).from(projectMembers).where(eq(projectMembers.userId, place.projectsOf))
    projectIds = rows.map(r => r.projectId)
  }
  const inScope = rules.filter(r => !r.spec.projectId || projectIds.includes(r.spec.projectId))
  const refusing = textHits(inScope, text).find(h => h.rule.spec.action !== 'flag')
  if (refusing) throw blocked(refusing)
}
