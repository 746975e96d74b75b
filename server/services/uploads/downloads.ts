import { and, eq, notExists, sql } from 'drizzle-orm'
import { UPLOAD_TYPES, type UploadMimeType } from '#shared/upload-schemas'
import { useDb, type DbOrTx } from '../../db/client'
import { accountBanInForce } from '../../db/sanctions'
import { attachments, conversations, messages, userSanctions } from '../../db/schema'
import { StorageError, useFileStorage, type Download } from '../../infra/storage'
import { THUMBNAIL_MIME_TYPE } from '../../infra/storage/thumbnail'
import { AppError } from '../../utils/errors'
import { notVisible, readableBy } from '../access'

export type AttachmentRow = typeof attachments.$inferSelect

/** Lifetime of a Supabase signed URL behind a download redirect. */
const STORAGE_REDIRECT_TTL_SECONDS = 60

/** The Content-Type a stored type is served with: text types are verified UTF-8 on upload. */
export function servedContentType(mimeType: string): string {
  const known = UPLOAD_TYPES[mimeType as UploadMimeType]
  return known?.signature === 'text' ? `${mimeType}; charset=utf-8` : mimeType
}

/**
 * Who may fetch an attachment: participants of its conversation, once it is sent (the uploader
 * alone before that), and nobody once its message is deleted.
 */
export async function authorizeDownload(db: DbOrTx, userId: string, attachmentId: string): Promise<AttachmentRow> {
  const [row] = await db.select({ attachment: attachments, deletedAt: messages.deletedAt })
    .from(attachments)
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, attachmentId))
  // An unknown id answers like someone else's, so ids cannot be probed for existence.
  if (!row) throw notVisible('attachment')
  // Checked at every use, also behind a signed link: a ban (the project's or the account's) ends access at once.
  // A signed link is used without a session, so the account ban that would have ended it is checked here.
  const [member] = await db.select({ userId: conversations.id }).from(conversations)
    .where(and(eq(conversations.id, row.attachment.conversationId), readableBy(userId, conversations.id),
      notExists(db.select({ one: sql`1` }).from(userSanctions).where(accountBanInForce(userId)))))
  if (!member) throw notVisible('attachment')
  const hidden = row.attachment.messageId === null ? row.attachment.uploaderId !== userId : row.deletedAt !== null
  if (hidden) throw new AppError('NOT_FOUND', 'attachment not found')
  return row.attachment
}

export interface OpenedAttachment {
  attachment: AttachmentRow
  etag: string
  /** Null when the caller's copy (If-None-Match) is current. */
  download: Download | null
}

/** Which stored object of an attachment to open: the file itself or its timeline thumbnail. */
export type AttachmentVariant = 'original' | 'thumbnail'

/** Authorizes a download and opens the bytes (local disk) or a signed redirect (Supabase). */
export async function openAttachment(userId: string, attachmentId: string, ifNoneMatch?: string, variant: AttachmentVariant = 'original'): Promise<OpenedAttachment> {
  const db = await useDb()
  const attachment = await authorizeDownload(db, userId, attachmentId)
  const key = variant === 'thumbnail' ? attachment.thumbnailKey : attachment.storageKey
  if (!key) throw new AppError('NOT_FOUND', 'this attachment has no thumbnail')
  // Stored bytes never change, so the id (and variant) is a strong validator.
  const etag = variant === 'thumbnail' ? `"${attachment.id}-thumbnail"` : `"${attachment.id}"`
  const storage = useFileStorage()
  if (storage.kind === 'local' && ifNoneMatch?.split(',').some(t => t.trim() === etag)) return { attachment, etag, download: null }
  try {
    const download = await storage.download(key, variant === 'thumbnail'
      ? { fileName: thumbnailFileName(attachment.fileName), contentType: THUMBNAIL_MIME_TYPE, inline: true, expiresInSeconds: STORAGE_REDIRECT_TTL_SECONDS }
      : {
          fileName: attachment.fileName,
          contentType: servedContentType(attachment.mimeType),
          inline: attachment.mimeType.startsWith('image/'),
          expiresInSeconds: STORAGE_REDIRECT_TTL_SECONDS
        })
    return { attachment, etag, download }
  } catch (error) {
    if (error instanceof StorageError && error.kind === 'not_found') throw new AppError('NOT_FOUND', 'attachment file is missing')
    throw error
  }
}

/** "photo.jpg" → "photo.webp": what a saved thumbnail is called. */
export function thumbnailFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return `${dot > 0 ? fileName.slice(0, dot) : fileName}.webp`
}
