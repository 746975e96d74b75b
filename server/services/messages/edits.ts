import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { useDb, type DbOrTx, type Tx } from '../../db/client'
import { messageEdits, messages } from '../../db/schema'
import { AppError } from '../../utils/errors'
import { canModerate, requireMessageAccess } from '../access'
import { prepareCodeLanguages, renderMessage, renderPlainText } from './markdown/render'
import { mentionablesFor } from './mentions'
import { takeNextSeq } from './sequence'
import type { Actor } from '../../domain/actor'

export interface MessageEdit {
  /** The text as it was before this edit. */
  content: string
  editedAt: string
  editedBy: string
}

/**
 * A message's earlier versions, oldest first, for its author and the conversation's moderators;
 * once the message is deleted, for global admins only.
 */
export async function listEdits(actor: Actor, messageId: string): Promise<MessageEdit[]> {
  const db = await useDb()
  const { message, participant } = await requireMessageAccess(db, actor, messageId)
  if (message.senderId !== actor.id && !canModerate(actor, participant)) throw new AppError('FORBIDDEN', 'only the author and moderators can see earlier versions')
  // Deleted text is gone for members, the group's owner and admins included (they made the group,
  // they did not earn a right to what a member took back): the same answer as for any deleted message.
  if (message.deletedAt && actor.role !== 'admin') throw new AppError('NOT_FOUND', 'message was deleted')
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
  // Only a member's typed text is markdown; system lines and file names were plain text when sent.
  let html: string
  if (locked.type === 'text') {
    await prepareCodeLanguages(kept.content)
    html = renderMessage(kept.content, await mentionablesFor(tx, locked.conversationId, kept.content)).html
  } else {
    html = renderPlainText(kept.content)
  }
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
