import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { and, eq, isNull } from 'drizzle-orm'
import type { Attachment } from '#shared/types'
import { useDb } from '../../db/client'
import { attachments } from '../../db/schema'
import { logger } from '../../infra/logger'
import { StorageError, useFileStorage } from '../../infra/storage'
import { readImageSize, resolveUploadType, sanitizeFileName, sniffKind, storageKeyName } from '../../infra/storage/inspect'
import { MAX_IMAGE_PIXELS, THUMBNAIL_MAX_SIDE, THUMBNAIL_MIME_TYPE, isDecodableSize, makeThumbnail } from '../../infra/storage/thumbnail'
import { getConfig } from '../../utils/config'
import type { StreamedUpload } from '../../utils/upload-request'
import { AppError } from '../../utils/errors'
import { requireParticipant } from '../access'
import { enforcePostingPolicy } from '../moderation/posting-policy'
import { authorizeDownload } from './downloads'
import { assertUploadQuota, recordWithinQuota } from './quota'
import { MULTIPART_OVERHEAD, fileError, isMultipartFormData, receiveFile, tooLarge } from './receive'
import { toAttachment } from '../messages/view'
import type { Actor } from '../../domain/actor'

/**
 * Stores one uploaded file for a conversation and records it, not yet linked to a message.
 * The size is checked against Content-Length first and counted again while streaming; the type
 * must be allowed and match the file's own bytes.
 */
export async function uploadAttachment(actor: Actor, conversationId: string, request: StreamedUpload): Promise<Attachment> {
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
    const isImage = verdict.mimeType.startsWith('image/')
    const size = isImage ? readImageSize(received.head, kind) : null
    if (size && !isDecodableSize(size.width, size.height)) {
      throw fileError(`the image is ${size.width}×${size.height} pixels; at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`)
    }

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
    const thumbnailKey = isImage ? await storeThumbnail(tmpPath, `${conversationId}/${id}/thumbnail/${THUMBNAIL_MAX_SIDE}.webp`) : null
    try {
      const [row] = await recordWithinQuota(db, actor, received.size, tx => tx.insert(attachments).values({
        id,
        conversationId,
        uploaderId: actor.id,
        fileName,
        mimeType: verdict.mimeType,
        sizeBytes: received.size,
        storageKey,
        thumbnailKey,
        width: size?.width ?? null,
        height: size?.height ?? null
      }).returning())
      return toAttachment(row!)
    } catch (error) {
      // No row, no way to reach the object: do not leave it behind.
      await storage.delete(storageKey).catch(() => {})
      if (thumbnailKey) await storage.delete(thumbnailKey).catch(() => {})
      throw error
    }
  } finally {
    await rm(tmpPath, { force: true })
  }
}

/** Makes and stores an image's thumbnail; an image that cannot be decoded is kept without one. */
async function storeThumbnail(sourcePath: string, key: string): Promise<string | null> {
  const thumbnail = await makeThumbnail(sourcePath)
  if (!thumbnail) return null
  try {
    await useFileStorage().put(key, Readable.from([thumbnail.data]), { contentType: THUMBNAIL_MIME_TYPE, size: thumbnail.data.length })
    return key
  } catch (error) {
    logger.warn({ err: error, key }, 'could not store a thumbnail; the image is shown from its original')
    return null
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
    .returning({ storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey })
  if (!removed) throw new AppError('CONFLICT', 'the attachment is part of a message; delete the message instead')
  // The row is gone, so the object is unreachable either way; a failed delete only leaves garbage.
  for (const key of removed.thumbnailKey ? [removed.storageKey, removed.thumbnailKey] : [removed.storageKey]) {
    await useFileStorage().delete(key).catch((error: unknown) => logger.warn({ err: error, storageKey: key }, 'could not delete a discarded upload'))
  }
}
