import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Attachment, MessageType } from '#shared/types'
import { UPLOAD_TYPES, type UploadMimeType } from '#shared/upload-schemas'
import { useDb, type DbOrTx } from '../db/client'
import { attachments, conversationParticipants, messages } from '../db/schema'
import { logger } from '../infra/logger'
import { StorageError, useFileStorage, type Download } from '../infra/storage'
import { storedSecret } from '../infra/stored-secret'
import { readImageSize, resolveUploadType, sanitizeFileName, sniffKind, storageKeyName } from '../infra/storage/inspect'
import { getConfig } from '../utils/config'
import { AppError } from '../utils/errors'
import { notVisible, requireParticipant } from './access'
import { enforcePostingPolicy } from './posting-policy'
import { assertUploadQuota, recordWithinQuota } from './upload-quota'
import { toAttachment } from './message-view'
import { MULTIPART_OVERHEAD, fileError, isMultipartFormData, receiveFile, tooLarge } from './upload-receive'
import type { Actor } from './users'

export type AttachmentRow = typeof attachments.$inferSelect

/** Lifetime of a `?token=` download link and of a Supabase signed URL behind a redirect. */
export const ATTACHMENT_URL_TTL_SECONDS = 15 * 60
const STORAGE_REDIRECT_TTL_SECONDS = 60

/** The Content-Type a stored type is served with: text types are verified UTF-8 on upload. */
export function servedContentType(mimeType: string): string {
  const known = UPLOAD_TYPES[mimeType as UploadMimeType]
  return known?.signature === 'text' ? `${mimeType}; charset=utf-8` : mimeType
}

export interface UploadRequest {
  contentType: string | undefined
  contentLength: string | undefined
  body: AsyncIterable<Uint8Array>
}

/**
 * Stores one uploaded file for a conversation and records it, not yet linked to a message.
 * The size is checked against Content-Length first and counted again while streaming; the type
 * must be allowed and match the file's own bytes.
 */
export async function uploadAttachment(actor: Actor, conversationId: string, request: UploadRequest): Promise<Attachment> {
  const db = await useDb()
  const membership = await requireParticipant(db, actor, conversationId)
  await enforcePostingPolicy(db, actor, { action: 'upload', membership })
  const { contentType } = request
  if (!isMultipartFormData(contentType)) throw fileError('send multipart/form-data with a "file" field')
  const { uploadMaxBytes: maxBytes, dataDir } = getConfig()
  const declaredLength = Number(request.contentLength)
  if (request.contentLength && Number.isFinite(declaredLength) && declaredLength > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes)
  await assertUploadQuota(db, actor, Number.isFinite(declaredLength) ? declaredLength - MULTIPART_OVERHEAD : 0)

  const tmpDir = join(dataDir, 'tmp')
  await mkdir(tmpDir, { recursive: true })
  const tmpPath = join(tmpDir, `upload-${randomUUID()}`)
  try {
    const received = await receiveFile(request.body, contentType, tmpPath, maxBytes)
    if (received.size === 0) throw fileError('the file is empty')
    const fileName = sanitizeFileName(received.fileName)
    const kind = await sniffKind(received.head, received.isText)
    const verdict = resolveUploadType({ declared: received.declaredType, fileName, kind })
    if (!verdict.ok) throw fileError(verdict.reason)
    const size = verdict.mimeType.startsWith('image/') ? readImageSize(received.head, kind) : null

    const id = randomUUID()
    const storageKey = `${conversationId}/${id}/${storageKeyName(fileName)}`
    const storage = useFileStorage()
    try {
      // The bare type: Supabase compares it verbatim with the bucket's allowed_mime_types.
      await storage.put(storageKey, createReadStream(tmpPath), { contentType: verdict.mimeType, size: received.size })
    } catch (error) {
      // A bucket configured tighter than this server (size limit, type list) answers 413 / 415.
      if (error instanceof StorageError && error.status === 413) throw tooLarge(maxBytes)
      if (error instanceof StorageError && error.status === 415) throw fileError(`type ${verdict.mimeType} is not accepted by the storage bucket`)
      throw error
    }
    try {
      const [row] = await recordWithinQuota(db, actor, received.size, tx => tx.insert(attachments).values({
        id,
        conversationId,
        uploaderId: actor.id,
        fileName,
        mimeType: verdict.mimeType,
        sizeBytes: received.size,
        storageKey,
        width: size?.width ?? null,
        height: size?.height ?? null
      }).returning())
      return toAttachment(row!)
    } catch (error) {
      // No row, no way to reach the object: do not leave it behind.
      await storage.delete(storageKey).catch(() => {})
      throw error
    }
  } finally {
    await rm(tmpPath, { force: true })
  }
}

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

/** The key for download links; kept in the database so every instance accepts every instance's links. */
async function getUrlSecret(): Promise<Buffer> {
  const fromEnv = process.env.ATTACHMENT_URL_SECRET
  return fromEnv ? Buffer.from(fromEnv) : Buffer.from(await storedSecret('attachment_url_secret'), 'base64url')
}

const sign = (secret: Buffer, attachmentId: string, userId: string, exp: number) =>
  createHmac('sha256', secret).update(`attachment:${attachmentId}:${userId}:${exp}`).digest('base64url')

/** A `?token=` for one user and one attachment; the user's access is checked again when it is used. */
export async function signAttachmentToken(attachmentId: string, userId: string, ttlSeconds = ATTACHMENT_URL_TTL_SECONDS): Promise<{ token: string, expiresAt: Date }> {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds
  return { token: `${userId}.${exp}.${sign(await getUrlSecret(), attachmentId, userId, exp)}`, expiresAt: new Date(exp * 1000) }
}

/** The user a download token was issued to, or UNAUTHENTICATED when it is forged, for another file or expired. */
export async function verifyAttachmentToken(attachmentId: string, token: string): Promise<string> {
  const invalid = new AppError('UNAUTHENTICATED', 'invalid or expired download link')
  const [userId, expText, signature] = token.split('.')
  const exp = Number(expText)
  if (!userId || !signature || !Number.isInteger(exp) || exp < Date.now() / 1000) throw invalid
  const expected = Buffer.from(sign(await getUrlSecret(), attachmentId, userId, exp))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid
  return userId
}

/**
 * Who may fetch an attachment: participants of its conversation, once it is sent (the uploader
 * alone before that), and nobody once its message is deleted.
 */
async function authorizeDownload(db: DbOrTx, userId: string, attachmentId: string): Promise<AttachmentRow> {
  const [row] = await db.select({ attachment: attachments, deletedAt: messages.deletedAt })
    .from(attachments)
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, attachmentId))
  // An unknown id answers like someone else's, so ids cannot be probed for existence.
  if (!row) throw notVisible('attachment')
  const [member] = await db.select({ userId: conversationParticipants.userId }).from(conversationParticipants)
    .where(and(eq(conversationParticipants.conversationId, row.attachment.conversationId), eq(conversationParticipants.userId, userId)))
  if (!member) throw notVisible('attachment')
  const hidden = row.attachment.messageId === null ? row.attachment.uploaderId !== userId : row.deletedAt !== null
  if (hidden) throw new AppError('NOT_FOUND', 'attachment not found')
  return row.attachment
}

/** A short-lived URL that works without a bearer header, for `<img src>` and plain links. */
export async function createAttachmentUrl(actor: Actor, attachmentId: string): Promise<{ url: string, expiresAt: string }> {
  const db = await useDb()
  await authorizeDownload(db, actor.id, attachmentId)
  const { token, expiresAt } = await signAttachmentToken(attachmentId, actor.id)
  return { url: `/api/attachments/${attachmentId}?token=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() }
}

export interface OpenedAttachment {
  attachment: AttachmentRow
  etag: string
  /** Null when the caller's copy (If-None-Match) is current. */
  download: Download | null
}

/** Authorizes a download and opens the bytes (local disk) or a signed redirect (Supabase). */
export async function openAttachment(userId: string, attachmentId: string, ifNoneMatch?: string): Promise<OpenedAttachment> {
  const db = await useDb()
  const attachment = await authorizeDownload(db, userId, attachmentId)
  // Stored bytes never change, so the id is a strong validator.
  const etag = `"${attachment.id}"`
  const storage = useFileStorage()
  if (storage.kind === 'local' && ifNoneMatch?.split(',').some(t => t.trim() === etag)) return { attachment, etag, download: null }
  try {
    const download = await storage.download(attachment.storageKey, {
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

/** Removes an upload that was never sent (the composer's "remove file"); sent files go with their message. */
export async function discardAttachment(actor: Actor, attachmentId: string): Promise<void> {
  const db = await useDb()
  const attachment = await authorizeDownload(db, actor.id, attachmentId)
  if (attachment.uploaderId !== actor.id) throw new AppError('FORBIDDEN', 'only the uploader can remove an attachment')
  // Only an unlinked row is removed, so a send that claims it at the same moment wins cleanly.
  const [removed] = await db.delete(attachments)
    .where(and(eq(attachments.id, attachmentId), isNull(attachments.messageId)))
    .returning({ storageKey: attachments.storageKey })
  if (!removed) throw new AppError('CONFLICT', 'the attachment is part of a message; delete the message instead')
  // The row is gone, so the object is unreachable either way; a failed delete only leaves garbage.
  await useFileStorage().delete(removed.storageKey).catch((error: unknown) => logger.warn({ err: error, storageKey: removed.storageKey }, 'could not delete a discarded upload'))
}
