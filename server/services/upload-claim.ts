import { inArray } from 'drizzle-orm'
import type { Attachment, MessageType } from '#shared/types'
import type { DbOrTx } from '../db/client'
import { attachments } from '../db/schema'
import { AppError } from '../utils/errors'
import { toAttachment } from './message-view'
import type { AttachmentRow } from './upload-access'
import type { Actor } from './users'

/** The rule for a message's type: `file` when its text is nothing but the names of its attachments. */
export function messageTypeFor(content: string, files: Pick<AttachmentRow, 'fileName'>[]): MessageType {
  if (files.length === 0) return 'text'
  let rest = content
  for (const name of [...new Set(files.map(f => f.fileName))].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ')
  return /^[\s,;]*$/.test(rest) ? 'file' : 'text'
}

export interface AttachmentClaim {
  type: MessageType
  /** Links the claimed attachments to the new message; returns them as the message will show them. */
  link: (messageId: string) => Promise<Attachment[]>
}

/**
 * Inside a send's transaction: locks the attachments and checks that each belongs to the sender,
 * to this conversation and to no message yet, so two sends cannot both take the same file.
 */
export async function claimAttachments(tx: DbOrTx, actor: Actor, conversationId: string, ids: string[], content: string): Promise<AttachmentClaim> {
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
    type: messageTypeFor(content, claimed),
    link: async (messageId) => {
      await tx.update(attachments).set({ messageId }).where(inArray(attachments.id, wanted))
      return claimed.map(row => toAttachment({ ...row, messageId }))
    }
  }
}
