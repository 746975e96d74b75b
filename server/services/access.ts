import { and, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../db/client'
import { conversationParticipants, conversations, messages, projectMembers, userSanctions, type ConversationRow, type MessageRow, type ParticipantRow } from '../db/schema'
import { AppError } from '../utils/errors'
import type { Actor } from './users'

export interface Membership {
  conversation: ConversationRow
  participant: ParticipantRow
}

/**
 * The caller's place in a conversation. A missing conversation and one the caller is not in
 * answer alike, so a non-participant learns nothing about it.
 */
export async function requireParticipant(db: DbOrTx, actor: Actor, conversationId: string): Promise<Membership> {
  const [row] = await db.select({ conversation: conversations, participant: conversationParticipants })
    .from(conversationParticipants)
    .innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, actor.id),
      notProjectBanned(actor.id, conversations.projectId)))
  if (!row) throw notParticipant()
  return row
}

/**
 * True unless the user is banned from the project: a project ban closes its conversations to them
 * (reads, sends, sync, rooms) while their participant rows stay, so lifting it gives them back.
 */
export function notProjectBanned(userId: string, projectId: AnyColumn | SQL): SQL {
  return sql`not exists (select 1 from ${userSanctions} s where s.user_id = ${userId} and s.kind = 'ban'
    and s.project_id = ${projectId} and s.revoked_at is null and (s.until is null or s.until > now()))`
}

const notParticipant = () => new AppError('FORBIDDEN', 'you are not a participant of this conversation')

/** The one answer for a message or attachment the caller may not see: the same for a missing id and for someone else's. */
export const notVisible = (what: 'message' | 'attachment') => new AppError('FORBIDDEN', `no such ${what} in a conversation of yours`)

/**
 * A message with the caller's place in its conversation, in one query. A message id that does
 * not exist answers exactly like one in a conversation the caller is not in.
 */
export async function requireMessageAccess(db: DbOrTx, actor: Actor, messageId: string): Promise<Membership & { message: MessageRow }> {
  const [row] = await db.select({ message: messages, conversation: conversations, participant: conversationParticipants })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(conversationParticipants, and(eq(conversationParticipants.conversationId, messages.conversationId), eq(conversationParticipants.userId, actor.id)))
    .where(and(eq(messages.id, messageId), notProjectBanned(actor.id, conversations.projectId)))
  if (!row) throw notVisible('message')
  return row
}

/** The caller's role in a project, or FORBIDDEN. */
export async function requireProjectMember(db: DbOrTx, actor: Actor, projectId: string) {
  const [row] = await db.select().from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, actor.id)))
  if (!row) throw new AppError('FORBIDDEN', 'you are not a member of this project')
  return row
}

/** Conversation owners and admins, and global admins, may moderate a conversation. */
export const canModerate = (actor: Actor, participant: ParticipantRow | undefined) =>
  actor.role === 'admin' || participant?.role === 'owner' || participant?.role === 'admin'

/** Admin-layer services fail closed even if a route forgot its guard. */
export function assertAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'admin role required')
}
