import { and, eq, lt, sql } from 'drizzle-orm'
import type { UnreadUpdatePayload } from '#shared/events'
import type { ReadMarkInput } from '#shared/schemas'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations } from '../../db/schema'
import { publishToUser } from '../../infra/realtime'
import { requireParticipant } from '../access'
import { loadConversations } from '../conversations/view'
import { publishRead, sharesReceipts } from './receipts-sharing'
import type { Actor } from '../../domain/actor'

/**
 * Moves the caller's read marker forward (never back, never past the last message) — what is read
 * was delivered too — then tells the conversation (a read receipt, only when the marker moved) and
 * the caller's other devices (unread counts).
 */
export async function markRead(actor: Actor, { conversationId, seq }: ReadMarkInput): Promise<UnreadUpdatePayload> {
  const db = await useDb()
  const { conversation } = await requireParticipant(db, actor, conversationId)
  const target = Math.min(seq, conversation.lastSeq)
  const p = conversationParticipants
  const [moved] = await db.update(p)
    .set({ lastReadSeq: target, readAt: sql`now()`, deliveredSeq: sql`greatest(${p.deliveredSeq}, ${target})` })
    .where(and(eq(p.conversationId, conversationId), eq(p.userId, actor.id), lt(p.lastReadSeq, target)))
    .returning({ lastReadSeq: p.lastReadSeq })
  const [view] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  const unread = { conversationId, unreadCount: view?.unreadCount ?? 0, mentionCount: view?.mentionCount ?? 0 }
  if (moved) publishRead({ conversationId, userId: actor.id, seq: moved.lastReadSeq }, await sharesReceipts(db, actor.id))
  publishToUser(actor.id, 'unread:update', unread)
  return unread
}
