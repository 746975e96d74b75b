import { and, eq, inArray } from 'drizzle-orm'
import type { Attachment } from '#shared/types'
import type { DbOrTx } from '../../db/client'
import { attachments } from '../../db/schema'
import { AppError } from '../../utils/errors'
import { toAttachment } from '../messages/view'
import type { Actor } from '../../domain/actor'

export interface AttachmentClaim {
  /** The claimed files' names, in the order the message shows them. */
  fileNames: string[]
  /** Links the claimed attachments to the new message; returns them as the message will show them. */
  link: (messageId: string) => Promise<Attachment[]>
}

/** Before a send claims them: the names of the sender's files it lists, which its readers will see (the claim checks the ids). */
export async function pendingFileNames(db: DbOrTx, actor: Actor, conversationId: string, ids: string[]): Promise<string[]> {
  const rows = await db.select({ fileName: attachments.fileName }).from(attachments)
    .where(and(inArray(attachments.id, [...new Set(ids)]), eq(attachments.uploaderId, actor.id), eq(attachments.conversationId, conversationId)))
  return rows.map(row => row.fileName)
}

/**
 * Inside a send's transaction: locks the attachments and checks that each belongs to the sender,
 * to this conversation and to no message yet, so two sends cannot both take the same file.
 */
export async function claimAttachments(tx: DbOrTx, actor: Actor, conversationId: string, ids: string[]): Promise<AttachmentClaim> {
  const wanted = [...new Set(ids)]
  const rows = await tx.select().from(attachments).where(inArray(attachments.id, wanted)).for('update')
  const byId = new Map(rows.map(r => [r.id, r]))
  const invalid = wanted.filter((id) => {
    const row = byId.get(id)
    return !row || row.uploaderId !== actor.id || row.conversationId !== conversationId || row.messageId !== null
  })
  if (invalid.length > 0) {
    const message = 'unknown, not yours, from another conversation or already sent'
    throw new AppError('VALIDATION', `attachmentIds: ${message}`, { fields: [{ field: 'attachmentIds', message }], invalidIds: invalid })
  }
  // The order message views use (upload time), so the ack and later reads agree.
  const claimed = wanted.map(id => byId.get(id)!).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  return {
    fileNames: claimed.map(row => row.fileName),
    link: async (messageId) => {
      await tx.update(attachments).set({ messageId }).where(inArray(attachments.id, wanted))
      return claimed.map(row => toAttachment({ ...row, messageId }))
    }
  }
}
