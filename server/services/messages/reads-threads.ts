import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type { ThreadUnreadPayload } from '#shared/events'
import type { ThreadInboxItem } from '#shared/types'
import type { ThreadsQuery } from '#shared/thread-schemas'
import { useDb, type DbOrTx } from '../../db/client'
import { projectOpenTo } from '../../db/sanctions'
import { conversationParticipants, conversations, messages, threadReads } from '../../db/schema'
import { publishToUser } from '../../infra/realtime'
import { requireMessageAccess, requireProjectMember } from '../access'
import { loadConversations } from '../conversations/view'
import { announceUnread } from './reads-announce'
import { threadMentionSql, threadUnreadSql } from './reads-counts'
import { loadMessages } from './view'
import type { Actor } from '../../domain/actor'

// A member's place in threads (thread_reads, see the schema), the "Threads" view, and reading a thread.

/**
 * After a thread reply is stored: its sender has read the thread up to it, and each member told of it
 * (a reply in their thread, a mention) gets a thread marker where their conversation marker stands, so
 * reading on in the timeline does not read the thread for them.
 */
export async function noteThreadReply(db: DbOrTx, reply: { conversationId: string, threadRootId: string, senderId: string, seq: number }, toldUserIds: readonly string[]): Promise<void> {
  const p = conversationParticipants
  await db.insert(threadReads).values({ userId: reply.senderId, threadRootId: reply.threadRootId, conversationId: reply.conversationId, lastReadSeq: reply.seq })
    .onConflictDoUpdate({ target: [threadReads.userId, threadReads.threadRootId], set: { lastReadSeq: sql`greatest(${threadReads.lastReadSeq}, excluded.last_read_seq)`, updatedAt: sql`now()` } })
  if (toldUserIds.length === 0) return
  await db.insert(threadReads).select(
    db.select({
      userId: p.userId,
      threadRootId: sql<string>`${reply.threadRootId}::uuid`.as('thread_root_id'),
      conversationId: p.conversationId,
      lastReadSeq: sql<number>`least(${p.lastReadSeq}, ${reply.seq - 1})`.as('last_read_seq'),
      updatedAt: sql<Date>`now()`.as('updated_at')
    }).from(p).where(and(eq(p.conversationId, reply.conversationId), inArray(p.userId, [...toldUserIds])))
  ).onConflictDoNothing()
}

/** The caller's unread replies and mentions in one thread. */
async function threadCounts(db: DbOrTx, userId: string, conversationId: string, rootId: string): Promise<ThreadUnreadPayload> {
  const p = conversationParticipants
  const [row] = await db.select({ unreadCount: threadUnreadSql(userId, sql`${rootId}::uuid`, p.lastReadSeq), mentionCount: threadMentionSql(userId, sql`${rootId}::uuid`, p.lastReadSeq) })
    .from(p).where(and(eq(p.conversationId, conversationId), eq(p.userId, userId)))
  return { conversationId, threadRootId: rootId, unreadCount: row?.unreadCount ?? 0, mentionCount: row?.mentionCount ?? 0 }
}

/**
 * Marks a thread read up to `seq` (by default its newest reply); asked with a reply's id, its thread.
 * Never moves back. The caller's devices get the thread's, the conversation's and the project's counts.
 */
export async function markThreadRead(actor: Actor, messageId: string, seq?: number): Promise<ThreadUnreadPayload> {
  const db = await useDb()
  const { message, conversation } = await requireMessageAccess(db, actor, messageId)
  const rootId = message.threadRootId ?? message.id
  const [newest] = await db.select({ seq: sql<number>`coalesce(max(${messages.seq}), 0)`.mapWith(Number) }).from(messages).where(eq(messages.threadRootId, rootId))
  const target = Math.min(seq ?? Number.MAX_SAFE_INTEGER, newest?.seq ?? 0)
  await db.insert(threadReads).values({ userId: actor.id, threadRootId: rootId, conversationId: conversation.id, lastReadSeq: target })
    .onConflictDoUpdate({ target: [threadReads.userId, threadReads.threadRootId], set: { lastReadSeq: sql`greatest(${threadReads.lastReadSeq}, excluded.last_read_seq)`, updatedAt: sql`now()` } })
  const counts = await threadCounts(db, actor.id, conversation.id, rootId)
  publishToUser(actor.id, 'thread:unread', counts)
  await announceUnread(db, actor.id, conversation.projectId, [conversation.id])
  return counts
}

/**
 * The "Threads" view: threads the caller started (with replies), replied in or was mentioned in, in conversations they
 * may read (of one project, or all), newest reply first, with their unread replies and mentions.
 */
export async function listMyThreads(actor: Actor, { projectId, limit }: ThreadsQuery): Promise<ThreadInboxItem[]> {
  const db = await useDb()
  const p = conversationParticipants
  const c = conversations
  const m = messages
  if (projectId) await requireProjectMember(db, actor, projectId)
  const mine = sql`(select x.id from messages x where x.sender_id = ${actor.id} and x.thread_root_id is null and x.reply_count > 0
    union select x.thread_root_id from messages x where x.sender_id = ${actor.id} and x.thread_root_id is not null
    union select x.thread_root_id from messages x join mentions mn on mn.message_id = x.id where mn.user_id = ${actor.id} and x.thread_root_id is not null)`
  const lastReplyAt = sql<string>`(select max(x.created_at) from messages x where x.thread_root_id = ${m.id} and x.deleted_at is null)`
  const rows = await db.select({
    rootId: m.id,
    conversationId: m.conversationId,
    replyCount: m.replyCount,
    lastReplyAt: lastReplyAt.mapWith(v => v ? new Date(v as string).toISOString() : null),
    unreadCount: threadUnreadSql(actor.id, m.id, p.lastReadSeq),
    mentionCount: threadMentionSql(actor.id, m.id, p.lastReadSeq)
  }).from(m)
    .innerJoin(p, and(eq(p.conversationId, m.conversationId), eq(p.userId, actor.id)))
    .innerJoin(c, eq(c.id, m.conversationId))
    .where(and(sql`${m.id} in ${mine}`, sql`${m.replyCount} > 0`, projectId ? eq(c.projectId, projectId) : undefined, projectOpenTo(actor.id, c.projectId)))
    .orderBy(sql`${lastReplyAt} desc nulls last`, desc(m.seq))
    .limit(limit)
  if (rows.length === 0) return []
  const roots = new Map((await loadMessages(db, inArray(messages.id, rows.map(r => r.rootId)), [], rows.length)).map(r => [r.id, r]))
  const titles = new Map((await loadConversations(db, actor.id, inArray(conversations.id, [...new Set(rows.map(r => r.conversationId))]))).map(v => [v.id, v.title]))
  return rows.flatMap((r) => {
    const root = roots.get(r.rootId)
    const title = titles.get(r.conversationId)
    if (!root || title === undefined) return []
    const { conversationId, replyCount, unreadCount, mentionCount } = r
    return [{ conversationId, conversationTitle: title, root, replyCount, lastReplyAt: r.lastReplyAt ?? root.createdAt, unreadCount, mentionCount }]
  })
}
