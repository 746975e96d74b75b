import { and, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../db/client'
import { conversationParticipants, conversations, messages, projectMembers, projects, userSanctions, type ConversationRow, type MessageRow, type ParticipantRow } from '../db/schema'
import { bansClosing, outer, projectClosedTo, projectOpenTo, silencingAnywhere, silencingSanctions } from '../db/sanctions'
import { AppError } from '../utils/errors'
import type { Actor } from '../domain/actor'

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

// The access gate. Every read, search, download, suggestion, notification and write decides "may
// this actor read or act here" through the functions below, which read sanctions through the one
// rule in db/sanctions.ts: a ban (the project's or account-wide) closes a project whole, a mute
// stops writing in its scope.

/**
 * True unless the user is banned from the project: a project ban closes its conversations to them
 * (reads, sends, sync, rooms) while their participant rows stay, so lifting it gives them back.
 */
export function notProjectBanned(userId: string | AnyColumn | SQL, projectId: AnyColumn | SQL): SQL {
  return projectOpenTo(userId, projectId)
}

/**
 * SQL over a conversation id: the user takes part in it and its project is open to them. Search,
 * suggestions, downloads and notifications filter with it.
 */
export function readableBy(userId: string | AnyColumn | SQL, conversationId: AnyColumn | SQL): SQL {
  return sql`exists (select 1 from ${conversationParticipants} gp join ${conversations} gc on gc.id = gp.conversation_id
    where gp.conversation_id = ${outer(conversationId)} and gp.user_id = ${outer(userId)} and ${projectOpenTo(userId, sql`gc.project_id`)})`
}

/** Those of `userIds` the project is open to: a banned member is neither joined to rooms nor told about them. */
export async function openToInProject(db: DbOrTx, userIds: readonly string[], projectId: string): Promise<string[]> {
  if (!userIds.length) return []
  const closed = await db.selectDistinct({ userId: userSanctions.userId }).from(userSanctions)
    .where(and(inArray(userSanctions.userId, [...userIds]), bansClosing(projectId)))
  const out = new Set(closed.map(r => r.userId))
  return userIds.filter(id => !out.has(id))
}

/** Whether the project is closed to the user by a ban in force. */
export async function isProjectClosed(db: DbOrTx, userId: string, projectId: string): Promise<boolean> {
  const [row] = await db.select({ closed: projectClosedTo(userId, projects.id) }).from(projects).where(eq(projects.id, projectId))
  return row?.closed === true
}

/**
 * Refuses with MUTED when a mute or ban in force covers the scope (account-wide, the project's, or
 * the conversation's read-only mute; `anywhere`: any but a read-only mute); details carry `until`
 * and `reason` so the UI can say why.
 */
export async function assertNotSilenced(db: DbOrTx, actor: Actor, scope: { projectId?: string | null, conversationId?: string | null } | 'anywhere'): Promise<void> {
  const [sanction] = await db.select({ kind: userSanctions.kind, until: userSanctions.until, reason: userSanctions.reason, conversationId: userSanctions.conversationId })
    .from(userSanctions).where(scope === 'anywhere' ? silencingAnywhere(actor.id) : silencingSanctions(actor.id, scope))
    .orderBy(sql`${userSanctions.until} desc nulls first`)
    .limit(1)
  if (sanction) throw silencedError(sanction)
}

/** A mute or ban in force, as a refusal describes it. */
export interface Silencing {
  kind: string
  until: Date | null
  reason: string | null
  conversationId: string | null
}

/** MUTED for a sanction in force, with `until` and `reason` for the UI to say why. */
export function silencedError(sanction: Silencing): AppError {
  const message = sanction.kind === 'ban'
    ? 'you are banned'
    : sanction.conversationId ? 'you are read-only in this conversation' : 'you are muted'
  return new AppError('MUTED', sanction.reason ? `${message}: ${sanction.reason}` : message, {
    ...(sanction.until ? { until: sanction.until.toISOString() } : {}),
    ...(sanction.reason ? { reason: sanction.reason } : {})
  })
}

/** The one answer for a conversation the caller is not in, or that does not exist. */
export const notParticipant = () => new AppError('FORBIDDEN', 'you are not a participant of this conversation')

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

/**
 * The caller's role in a project, or FORBIDDEN — also while a ban closes the project to them, so a
 * banned member lists, creates and adds nothing there. `write` also refuses a mute in force (MUTED).
 */
export async function requireProjectMember(db: DbOrTx, actor: Actor, projectId: string, mode: 'read' | 'write' | 'member' = 'read') {
  const [row] = await db.select({ member: projectMembers, closed: projectClosedTo(actor.id, projectMembers.projectId) }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, actor.id)))
  if (!row) throw new AppError('FORBIDDEN', 'you are not a member of this project')
  // `member` only asks whether they belong (a banned member may still leave, and sees an empty sidebar).
  if (row.closed && mode !== 'member') throw new AppError('FORBIDDEN', 'you are banned from this project')
  if (mode === 'write') await assertNotSilenced(db, actor, { projectId })
  return row.member
}

/** Conversation owners and admins, and global admins, may moderate a conversation. */
export const canModerate = (actor: Actor, participant: ParticipantRow | undefined) =>
  actor.role === 'admin' || participant?.role === 'owner' || participant?.role === 'admin'

/** Admin-layer services fail closed even if a route forgot its guard. */
export function assertAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'admin role required')
}
