import { and, desc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client'
import { messages } from '../../db/schema'
import { consumeMessageBudget, consumeUploadBudget } from '../../infra/rate-limit'
import { AppError } from '../../utils/errors'
import { assertNotSilenced, canModerate, silencedError, type Membership, type Silencing } from '../access'
import { getPolicyLimits } from './policy-limits'
import type { Actor } from '../../domain/actor'

/** What a user is about to put into a conversation. */
export type PostingAction = 'send' | 'edit' | 'upload' | 'react'

export interface PostingRequest {
  action: PostingAction
  /** The caller's place in the conversation, already checked. */
  membership: Membership
  /** The text being sent or edited in; uploads have none. */
  content?: string
  /** A reply in a thread (announcement conversations take those from everyone). */
  inThread?: boolean
  /** Paid for when it was accepted (a scheduled message): it does not draw on the per-minute budget again. */
  prepaid?: boolean
  /** The sanction silencing the caller here, already read with the membership (null: none); read here when absent. */
  silenced?: Silencing | null
}

/** A rule that let the text through but wants it reviewed: the caller queues it once the message is stored. */
export interface ContentFlag {
  ruleId: string | null
  rule: string
  kind: string
  /** What matched, for the reviewer. */
  matched: string
}

/**
 * A content rule (automod): throws CONTENT_BLOCKED (details `{ rule, kind }`) to refuse the text,
 * or returns flags to let it through for review.
 */
export type ContentCheck = (actor: Actor, request: PostingRequest & { content: string }) => ContentFlag[] | undefined | Promise<ContentFlag[] | undefined>

/** What the policy let through with a remark: flags to store with the message. */
export interface PostingVerdict {
  flags: ContentFlag[]
}

const contentChecks: ContentCheck[] = []

/** Adds a content rule every send and edit passes; returns a function that removes it again. */
export function registerContentCheck(check: ContentCheck): () => void {
  contentChecks.push(check)
  return () => {
    const at = contentChecks.indexOf(check)
    if (at >= 0) contentChecks.splice(at, 1)
  }
}

async function assertSlowMode(db: DbOrTx, actor: Actor, { conversation }: Membership) {
  const slow = conversation.settings.slowModeSeconds
  if (!(slow > 0)) return
  const [last] = await db.select({ createdAt: messages.createdAt }).from(messages)
    .where(and(eq(messages.conversationId, conversation.id), eq(messages.senderId, actor.id)))
    .orderBy(desc(messages.seq)).limit(1)
  const waitMs = last ? last.createdAt.getTime() + slow * 1000 - Date.now() : 0
  if (waitMs > 0) throw new AppError('SLOW_MODE', `slow mode: wait ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs })
}

/**
 * The one gate every send, edit, upload and reaction passes: lock and archive, mute and ban, slow mode
 * (new messages only), content rules, then the rate budget. The budget is taken last, so a post
 * refused for another reason costs nothing. Locks and slow mode are an admin's decision, so they bind
 * everyone but global admins (the conversation's own owner included); conversation owners and admins
 * post at the top of announcement conversations; nobody passes sanctions.
 */
export async function enforcePostingPolicy(db: DbOrTx, actor: Actor, request: PostingRequest): Promise<PostingVerdict> {
  const { conversation, participant } = request.membership
  const moderator = canModerate(actor, participant)
  const globalAdmin = actor.role === 'admin'
  if (conversation.status !== 'active' && !globalAdmin) {
    throw new AppError('CONVERSATION_LOCKED', `this conversation is ${conversation.status}`)
  }
  if (conversation.type === 'announcement' && request.action === 'send' && !request.inThread && !moderator) {
    throw new AppError('FORBIDDEN', 'only owners and admins post in an announcement conversation; reply in a thread instead')
  }
  if (request.silenced === undefined) await assertNotSilenced(db, actor, { projectId: conversation.projectId, conversationId: conversation.id })
  else if (request.silenced) throw silencedError(request.silenced)
  if (request.action === 'send' && !globalAdmin) await assertSlowMode(db, actor, request.membership)
  const { content } = request
  const flags: ContentFlag[] = []
  if (content !== undefined) {
    for (const check of contentChecks) flags.push(...(await check(actor, { ...request, content }) ?? []))
  }
  // An edit rewrites a message, so it draws on the same per-minute budget as a send.
  if (request.action === 'upload') await consumeUploadBudget(actor.id, getPolicyLimits().uploadsPerMinute)
  else if (!request.prepaid) await consumeMessageBudget(actor.id)
  return { flags }
}
