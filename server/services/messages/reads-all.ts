import { and, eq, inArray, sql } from 'drizzle-orm'
import { useDb, type DbOrTx } from '../../db/client'
import { projectOpenTo } from '../../db/sanctions'
import { conversationParticipants, conversations, threadReads } from '../../db/schema'
import { publishToUser } from '../../infra/realtime'
import { requireParticipant, requireProjectMember } from '../access'
import { announceUnread } from './reads-announce'
import { publishRead, sharesReceipts } from './receipts-sharing'
import type { Actor } from '../../domain/actor'

// "Mark all as read": every marker of the caller in a conversation, or in every conversation of a
// project, moves to the newest message — the timeline's and each thread's — in one statement each.

/**
 * Moves the caller's markers in these conversations to their last seq, then tells: read receipts to
 * each conversation (or only the caller's devices when they share none), `thread:unread` for each
 * thread that had unread replies, and the counts (`unread:update`, `project:unread`).
 */
async function readAllIn(db: DbOrTx, actor: Actor, projectId: string, scope: { conversationId: string } | { projectId: string }) {
  const p = conversationParticipants
  const c = conversations
  const inScope = 'conversationId' in scope ? eq(c.id, scope.conversationId) : and(eq(c.projectId, scope.projectId), projectOpenTo(actor.id, c.projectId))
  const scopeIds = db.select({ id: c.id }).from(c).where(inScope)
  const { moved, threads } = await db.transaction(async (tx) => {
    const last = sql`(select ${c.lastSeq} from ${c} where ${c.id} = ${p.conversationId})`
    const moved = await tx.update(p).set({ lastReadSeq: last, readAt: sql`now()`, deliveredSeq: sql`greatest(${p.deliveredSeq}, ${last})` })
      .where(and(eq(p.userId, actor.id), inArray(p.conversationId, scopeIds), sql`${p.lastReadSeq} < ${last}`))
      .returning({ conversationId: p.conversationId, seq: p.lastReadSeq })
    // Only threads with something unread move (rows of threads read to the end stay as they are).
    const threads = await tx.update(threadReads).set({ lastReadSeq: sql`(select ${c.lastSeq} from ${c} where ${c.id} = ${threadReads.conversationId})`, updatedAt: sql`now()` })
      .where(and(eq(threadReads.userId, actor.id), inArray(threadReads.conversationId, scopeIds),
        sql`exists (select 1 from messages m where m.thread_root_id = ${threadReads.threadRootId} and m.seq > ${threadReads.lastReadSeq} and m.sender_id <> ${actor.id} and m.deleted_at is null)`))
      .returning({ conversationId: threadReads.conversationId, threadRootId: threadReads.threadRootId })
    return { moved, threads }
  })
  const sharing = moved.length > 0 && await sharesReceipts(db, actor.id)
  for (const { conversationId, seq } of moved) publishRead({ conversationId, userId: actor.id, seq }, sharing)
  for (const t of threads) publishToUser(actor.id, 'thread:unread', { conversationId: t.conversationId, threadRootId: t.threadRootId, unreadCount: 0, mentionCount: 0 })
  const touched = [...new Set([...moved.map(m => m.conversationId), ...threads.map(t => t.conversationId)])]
  await announceUnread(db, actor.id, projectId, touched)
}

/** `POST /api/conversations/:id/read-all`: the timeline and every thread of one conversation. */
export async function markConversationAllRead(actor: Actor, conversationId: string): Promise<void> {
  const db = await useDb()
  const { conversation } = await requireParticipant(db, actor, conversationId)
  await readAllIn(db, actor, conversation.projectId, { conversationId })
}

/** `POST /api/projects/:id/read-all`: every conversation of the project the caller takes part in. */
export async function markProjectAllRead(actor: Actor, projectId: string): Promise<void> {
  const db = await useDb()
  await requireProjectMember(db, actor, projectId)
  await readAllIn(db, actor, projectId, { projectId })
}
