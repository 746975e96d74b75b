import { and, eq, inArray, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm'
import type { ProjectUnread } from '#shared/types'
import type { DbOrTx } from '../../db/client'
import { outer, projectOpenTo } from '../../db/sanctions'
import { conversationParticipants, conversations } from '../../db/schema'

// The one owner of "what counts as unread". A conversation's timeline (roots, and replies also sent
// to it) is read up to the participant's marker (conversation_participants.last_read_seq). A thread
// reply shown only in its thread is read up to the member's thread marker (thread_reads), or the
// conversation's marker while they have none. Unread counts are messages of others in the timeline;
// mention counts are mentions of the member (or @here / @channel) in the timeline and in threads.

type Ref = string | AnyColumn | SQL

/** A mention that reaches the user, over `mn` (mentions). */
const reaches = (userId: Ref) => sql`(mn.user_id = ${outer(userId)} or mn.kind in ('here', 'channel'))`

/** Unread messages of others in a conversation's timeline. */
export function unreadCountSql(userId: Ref, conversationId: Ref, lastReadSeq: Ref): SQL<number> {
  return sql<number>`(select count(*) from messages m where m.conversation_id = ${outer(conversationId)} and m.seq > ${outer(lastReadSeq)}
    and m.sender_id <> ${outer(userId)} and m.deleted_at is null and (m.thread_root_id is null or m.also_in_conversation))`.mapWith(Number)
}

/**
 * Unread mentions of the user in a conversation, thread replies included. Two disjoint parts: past the
 * conversation's marker, everything but replies of threads the member keeps a marker for; and replies
 * of those threads past that thread's marker.
 */
export function mentionCountSql(userId: Ref, conversationId: Ref, lastReadSeq: Ref): SQL<number> {
  const u = outer(userId)
  const c = outer(conversationId)
  return sql<number>`((select count(*) from messages m join mentions mn on mn.message_id = m.id
      where m.conversation_id = ${c} and m.seq > ${outer(lastReadSeq)} and m.sender_id <> ${u} and m.deleted_at is null and ${reaches(userId)}
      and (m.thread_root_id is null or m.also_in_conversation
        or not exists (select 1 from thread_reads tr where tr.user_id = ${u} and tr.thread_root_id = m.thread_root_id)))
    + (select count(*) from thread_reads tr join messages m on m.thread_root_id = tr.thread_root_id and m.seq > tr.last_read_seq
      join mentions mn on mn.message_id = m.id
      where tr.user_id = ${u} and tr.conversation_id = ${c} and not m.also_in_conversation and m.sender_id <> ${u}
      and m.deleted_at is null and ${reaches(userId)}))`.mapWith(Number)
}

/** The user's marker for one thread: their thread marker, else the conversation's. */
function threadMarker(userId: Ref, rootId: Ref, lastReadSeq: Ref): SQL {
  return sql`coalesce((select tr.last_read_seq from thread_reads tr where tr.user_id = ${outer(userId)} and tr.thread_root_id = ${outer(rootId)}), ${outer(lastReadSeq)})`
}

/** Unread replies of others in one thread. */
export function threadUnreadSql(userId: Ref, rootId: Ref, lastReadSeq: Ref): SQL<number> {
  return sql<number>`(select count(*) from messages m where m.thread_root_id = ${outer(rootId)} and m.seq > ${threadMarker(userId, rootId, lastReadSeq)}
    and m.sender_id <> ${outer(userId)} and m.deleted_at is null)`.mapWith(Number)
}

/** Unread replies in one thread that mention the user. */
export function threadMentionSql(userId: Ref, rootId: Ref, lastReadSeq: Ref): SQL<number> {
  return sql<number>`(select count(*) from messages m join mentions mn on mn.message_id = m.id where m.thread_root_id = ${outer(rootId)}
    and m.seq > ${threadMarker(userId, rootId, lastReadSeq)} and m.sender_id <> ${outer(userId)} and m.deleted_at is null and ${reaches(userId)})`.mapWith(Number)
}

export interface ConversationCounts { userId: string, conversationId: string, unreadCount: number, mentionCount: number }

/** Unread and mention counts of several users in one conversation, in one query. */
export async function conversationCountsFor(db: DbOrTx, conversationId: string, userIds: readonly string[]): Promise<ConversationCounts[]> {
  if (userIds.length === 0) return []
  const p = conversationParticipants
  return db.select({
    userId: p.userId,
    conversationId: p.conversationId,
    unreadCount: unreadCountSql(p.userId, p.conversationId, p.lastReadSeq),
    mentionCount: mentionCountSql(p.userId, p.conversationId, p.lastReadSeq)
  }).from(p).where(and(eq(p.conversationId, conversationId), inArray(p.userId, [...userIds])))
}

/** One user's unread and mention counts in several conversations, in one query. */
export async function countsOfUser(db: DbOrTx, userId: string, conversationIds: readonly string[]): Promise<ConversationCounts[]> {
  if (conversationIds.length === 0) return []
  const p = conversationParticipants
  return db.select({
    userId: p.userId,
    conversationId: p.conversationId,
    unreadCount: unreadCountSql(p.userId, p.conversationId, p.lastReadSeq),
    mentionCount: mentionCountSql(p.userId, p.conversationId, p.lastReadSeq)
  }).from(p).where(and(eq(p.userId, userId), inArray(p.conversationId, [...conversationIds])))
}

/**
 * Per-project totals of several users, in one query: unread messages over the conversations they
 * have not muted (a muted room does not badge its project), mentions over all of them. Projects closed
 * to a user by a ban count nothing.
 */
export async function projectTotalsFor(db: DbOrTx, userIds: readonly string[], projectIds?: readonly string[]): Promise<(ProjectUnread & { userId: string })[]> {
  if (userIds.length === 0 || projectIds?.length === 0) return []
  const p = conversationParticipants
  const c = conversations
  const notMuted = and(eq(p.muted, false), or(isNull(p.mutedUntil), sql`${p.mutedUntil} <= now()`))
  const rows = await db.select({
    userId: p.userId,
    projectId: c.projectId,
    unreadCount: sql<number>`coalesce(sum(case when ${notMuted} then ${unreadCountSql(p.userId, p.conversationId, p.lastReadSeq)} else 0 end), 0)`.mapWith(Number),
    mentionCount: sql<number>`coalesce(sum(${mentionCountSql(p.userId, p.conversationId, p.lastReadSeq)}), 0)`.mapWith(Number)
  }).from(p).innerJoin(c, eq(c.id, p.conversationId))
    .where(and(inArray(p.userId, [...userIds]), projectIds ? inArray(c.projectId, [...projectIds]) : undefined, projectOpenTo(p.userId, c.projectId)))
    .groupBy(p.userId, c.projectId)
  return rows
}
