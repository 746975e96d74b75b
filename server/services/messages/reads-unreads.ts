import { and, asc, eq, gt, inArray, isNull, ne, or } from 'drizzle-orm'
import type { UnreadConversation } from '#shared/types'
import type { UnreadsQuery } from '#shared/unread-schemas'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations, messages } from '../../db/schema'
import { requireProjectMember } from '../access'
import { loadConversations } from '../conversations/view'
import { loadMessages } from './view'
import type { Actor } from '../../domain/actor'

/** Conversations listed at most by one "All unreads" request. */
const MAX_CONVERSATIONS = 50

/**
 * The "All unreads" view: the caller's conversations with unread messages in their timeline (one
 * project, or all they may read), most recent first, each with its oldest unread messages — the ones
 * the unread count counts (others', not deleted, not thread-only).
 */
export async function listUnreads(actor: Actor, { projectId, limit }: UnreadsQuery): Promise<UnreadConversation[]> {
  const db = await useDb()
  if (projectId) await requireProjectMember(db, actor, projectId)
  const unread = (await loadConversations(db, actor.id, projectId ? eq(conversations.projectId, projectId) : undefined))
    .filter(c => c.unreadCount > 0).slice(0, MAX_CONVERSATIONS)
  if (unread.length === 0) return []
  const markers = new Map((await db.select({ id: conversationParticipants.conversationId, seq: conversationParticipants.lastReadSeq })
    .from(conversationParticipants)
    .where(and(eq(conversationParticipants.userId, actor.id), inArray(conversationParticipants.conversationId, unread.map(c => c.id))))).map(r => [r.id, r.seq]))
  return Promise.all(unread.map(async conversation => ({
    conversation,
    messages: await loadMessages(db, and(
      eq(messages.conversationId, conversation.id),
      gt(messages.seq, markers.get(conversation.id) ?? 0),
      ne(messages.senderId, actor.id),
      isNull(messages.deletedAt),
      or(isNull(messages.threadRootId), eq(messages.alsoInConversation, true))
    ), [asc(messages.seq)], limit)
  })))
}
