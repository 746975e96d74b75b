import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { useDb, type DbOrTx, type Tx } from '../db/client'
import { messageEdits, messages } from '../db/schema'
import { AppError } from '../utils/errors'
import { canModerate, requireMessageAccess } from './access'
import { prepareCodeLanguages, renderMessage } from './markdown'
import { mentionablesFor } from './message-mentions'
import { takeNextSeq } from './sequence'
import type { Actor } from './users'

export interface MessageEdit {
  /** The text as it was before this edit. */
  content: string
  editedAt: string
  editedBy: string
}

/** A message's earlier versions, oldest first, for its author and the conversation's moderators. */
export async function listEdits(actor: Actor, messageId: string): Promise<MessageEdit[]> {
  const db = await useDb()
  const { message, participant } = await requireMessageAccess(db, actor, messageId)
  const moderator = canModerate(actor, participant)
  if (message.senderId !== actor.id && !moderator) throw new AppError('FORBIDDEN', 'only the author and moderators can see earlier versions')
  // Once deleted, the text is gone for members; the admin layer keeps the moderators' view.
  if (message.deletedAt && !moderator) throw new AppError('NOT_FOUND', 'message was deleted')
  const rows = await db.select().from(messageEdits)
    .where(and(eq(messageEdits.messageId, messageId), eq(messageEdits.kind, 'edit')))
    .orderBy(asc(messageEdits.editedAt), asc(messageEdits.id))
  return rows.map(r => ({ content: r.previousContent, editedAt: r.editedAt.toISOString(), editedBy: r.editedBy }))
}

/**
 * Undoes a soft delete: the text kept by the last delete comes back, rendered again, with a new
 * updatedSeq so clients get it live (message:updated) and through sync. Null when not deleted.
 * The caller publishes after commit.
 */
export async function restoreInTx(tx: Tx, messageId: string): Promise<{ conversationId: string, content: string } | null> {
  const [locked] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update')
  if (!locked) throw new AppError('NOT_FOUND', 'message not found')
  if (!locked.deletedAt) return null
  const [kept] = await tx.select({ content: messageEdits.previousContent }).from(messageEdits)
    .where(and(eq(messageEdits.messageId, messageId), eq(messageEdits.kind, 'delete')))
    .orderBy(desc(messageEdits.editedAt), desc(messageEdits.id)).limit(1)
  if (!kept) throw new AppError('CONFLICT', 'the deleted text was not kept; it cannot be restored')
  await prepareCodeLanguages(kept.content)
  const { html } = renderMessage(kept.content, await mentionablesFor(tx, locked.conversationId, kept.content))
  const updatedSeq = await takeNextSeq(tx, locked.conversationId)
  await tx.update(messages).set({ content: kept.content, contentHtml: html, deletedAt: null, deletedBy: null, updatedSeq })
    .where(eq(messages.id, messageId))
  return { conversationId: locked.conversationId, content: kept.content }
}

/**
 * What each deleted message said, from the copy its delete kept (moderators, admin history, exports
 * with deleted messages). Deleted, restored and deleted again: the last delete's text.
 */
export async function deletedTextsOf(db: DbOrTx, messageIds: string[]): Promise<Map<string, string>> {
  if (messageIds.length === 0) return new Map()
  const rows = await db.select({ messageId: messageEdits.messageId, content: messageEdits.previousContent }).from(messageEdits)
    .where(and(inArray(messageEdits.messageId, messageIds), eq(messageEdits.kind, 'delete')))
    .orderBy(desc(messageEdits.editedAt), desc(messageEdits.id))
  const byMessage = new Map<string, string>()
  for (const r of rows) if (!byMessage.has(r.messageId)) byMessage.set(r.messageId, r.content)
  return byMessage
}
