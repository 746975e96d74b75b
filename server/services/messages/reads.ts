import { and, eq, sql } from 'drizzle-orm'
import type { UnreadUpdatePayload } from '#shared/events'
import type { ReadMarkInput } from '#shared/schemas'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations, profiles } from '../../db/schema'
import { publishToConversation, publishToUser } from '../../infra/realtime'
import { requireParticipant } from '../access'
import { loadConversations } from '../conversations/view'
import type { Actor } from '../../domain/actor'

/**
 * Moves the caller's read marker forward (never back, never past the last message), tells the
 * conversation (read receipts) and the caller's other devices (unread counts).
 */
export async function markRead(actor: Actor, { conversationId, seq }: ReadMarkInput): Promise<UnreadUpdatePayload> {
  const db = await useDb()
  const { conversation } = await requireParticipant(db, actor, conversationId)
  const target = Math.min(seq, conversation.lastSeq)
  const [row] = await db.update(conversationParticipants)
    .set({ lastReadSeq: sql`greatest(${conversationParticipants.lastReadSeq}, ${target})` })
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, actor.id)))
    .returning({ lastReadSeq: conversationParticipants.lastReadSeq })
  const [view] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  const unread = { conversationId, unreadCount: view?.unreadCount ?? 0, mentionCount: view?.mentionCount ?? 0 }
  const receipt = { conversationId, userId: actor.id, seq: row?.lastReadSeq ?? target }
  // Someone who turned read receipts off still syncs their own devices; nobody else is told.
  const [me] = await db.select({ readReceipts: profiles.readReceipts }).from(profiles).where(eq(profiles.id, actor.id))
  if (me?.readReceipts === false) publishToUser(actor.id, 'read:update', receipt)
  else publishToConversation(conversationId, 'read:update', receipt)
  publishToUser(actor.id, 'unread:update', unread)
  return unread
}
