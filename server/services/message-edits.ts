import { and, asc, eq } from 'drizzle-orm'
import { useDb } from '../db/client'
import { messageEdits } from '../db/schema'
import { AppError } from '../utils/errors'
import { canModerate, requireMessageAccess } from './access'
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
