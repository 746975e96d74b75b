import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { eq } from 'drizzle-orm'
import { AVATAR_MAX_BYTES, type UpdateProfileInput } from '#shared/profile-schemas'
import type { User } from '#shared/types'
import { useDb } from '../../db/client'
import { conversationParticipants, profiles } from '../../db/schema'
import { forgetCachedProfile } from '../../infra/auth/identity'
import { logger } from '../../infra/logger'
import { publishToConversation } from '../../infra/realtime'
import { consumeProfileChangeBudget } from '../../infra/rate-limit'
import { StorageError, useFileStorage, type Download } from '../../infra/storage'
import { readImageSize, sniffKind } from '../../infra/storage/inspect'
import { MAX_IMAGE_PIXELS, isDecodableSize, makeAvatar } from '../../infra/storage/thumbnail'
import { getConfig } from '../../utils/config'
import { AppError } from '../../utils/errors'
import { MULTIPART_OVERHEAD, fileError, isMultipartFormData, receiveFile, tooLarge } from '../uploads/receive'
import type { StreamedUpload } from '../../utils/upload-request'
import { assertNotSilenced } from '../access'
import { assertTextAllowed } from '../moderation/automod/engine'
import { getActionBudgets } from '../moderation/policy-limits'
import { applyReceiptSharing } from '../messages/receipts-sharing'
import { applyDndUntil } from './dnd'
import { toUser, toUserSummary } from './user-view'
import type { Actor } from '../../domain/actor'

type ProfileRow = typeof profiles.$inferSelect

/** Everyone who shares a conversation with the user sees the new name or picture at once. */
async function announce(row: ProfileRow) {
  forgetCachedProfile(row.id)
  const db = await useDb()
  const rooms = await db.select({ id: conversationParticipants.conversationId }).from(conversationParticipants).where(eq(conversationParticipants.userId, row.id))
  for (const { id } of rooms) publishToConversation(id, 'user:updated', { user: toUserSummary(row) })
}

async function dropAvatarObject(key: string | null) {
  if (key) await useFileStorage().delete(key).catch((err: unknown) => logger.warn({ err, key }, 'could not delete an old avatar'))
}

/** A user's own account as the contract shows it to them. */
export async function getUser(id: string): Promise<User> {
  const db = await useDb()
  const [row] = await db.select().from(profiles).where(eq(profiles.id, id))
  if (!row) throw new AppError('NOT_FOUND', 'user not found')
  return toUser(row)
}

/**
 * Changes the caller's display name, read receipts, notification choices (email, previews, a timed Do
 * Not Disturb — see dnd.ts), or removes their avatar.
 */
export async function updateProfile(actor: Actor, changes: UpdateProfileInput): Promise<User> {
  const db = await useDb()
  const [before] = await db.select().from(profiles).where(eq(profiles.id, actor.id))
  if (!before) throw new AppError('NOT_FOUND', 'user not found')
  // A new name reaches every shared room: a muted member keeps theirs until the mute ends.
  if ((changes.displayName !== undefined && changes.displayName !== before.displayName) || changes.avatarUrl === null) await assertNotSilenced(db, actor, 'anywhere')
  // The name shows in every project the member belongs to: those projects' content rules judge it.
  if (changes.displayName !== undefined && changes.displayName !== before.displayName) await assertTextAllowed(actor, changes.displayName, { projectsOf: actor.id })
  // Each visible change is told to every shared conversation: budgeted like a post.
  if ((changes.displayName !== undefined && changes.displayName !== before.displayName) || (changes.avatarUrl === null && before.avatarUrl !== null)) {
    await consumeProfileChangeBudget(actor.id, getActionBudgets().profileChanges)
  }
  const [row] = await db.update(profiles).set({
    ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
    ...(changes.readReceipts !== undefined ? { readReceipts: changes.readReceipts } : {}),
    ...(changes.emailNotifications !== undefined ? { emailNotifications: changes.emailNotifications } : {}),
    ...(changes.notificationPreview !== undefined ? { notificationPreview: changes.notificationPreview } : {}),
    // A time already past turns Do Not Disturb off, like null.
    ...(changes.dndUntil !== undefined ? { dndUntil: changes.dndUntil && changes.dndUntil > new Date() ? changes.dndUntil : null } : {}),
    ...(changes.avatarUrl === null ? { avatarUrl: null, avatarKey: null } : {}),
    updatedAt: new Date()
  }).where(eq(profiles.id, actor.id)).returning()
  if (changes.avatarUrl === null) await dropAvatarObject(before.avatarKey)
  if (changes.dndUntil !== undefined) await applyDndUntil(actor.id, row!.dndUntil)
  if (row!.readReceipts !== before.readReceipts) applyReceiptSharing(actor.id, row!.readReceipts)
  if (row!.displayName !== before.displayName || row!.avatarUrl !== before.avatarUrl) await announce(row!)
  return toUser(row!)
}

/**
 * Sets the caller's avatar from an uploaded image: checked like attachments (type by its bytes,
 * no image bombs), then stored as a 256 px square WebP without metadata.
 */
export async function uploadAvatar(actor: Actor, request: StreamedUpload): Promise<User> {
  if (!isMultipartFormData(request.contentType)) throw fileError('send multipart/form-data with a "file" field')
  const declaredLength = Number(request.contentLength)
  if (request.contentLength && Number.isFinite(declaredLength) && declaredLength > AVATAR_MAX_BYTES + MULTIPART_OVERHEAD) throw tooLarge(AVATAR_MAX_BYTES)
  await assertNotSilenced(await useDb(), actor, 'anywhere')
  // Taken before the image is read: the budget also bounds the decoding work.
  await consumeProfileChangeBudget(actor.id, getActionBudgets().profileChanges)
  const tmpDir = join(getConfig().dataDir, 'tmp')
  await mkdir(tmpDir, { recursive: true })
  const tmpPath = join(tmpDir, `avatar-${randomUUID()}`)
  try {
    const received = await receiveFile(request.body, request.contentType, tmpPath, AVATAR_MAX_BYTES)
    const kind = await sniffKind(received.head, received.isText)
    if (!['png', 'jpeg', 'gif', 'webp'].includes(kind)) throw fileError('an avatar must be a PNG, JPEG, GIF or WebP image')
    const size = readImageSize(received.head, kind)
    if (size && !isDecodableSize(size.width, size.height)) throw fileError(`the image is ${size.width}×${size.height} pixels; at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`)
    const avatar = await makeAvatar(tmpPath)
    if (!avatar) throw fileError('the image could not be read')
    const version = randomUUID()
    const key = `avatars/${actor.id}/${version}.webp`
    await useFileStorage().put(key, Readable.from([avatar]), { contentType: 'image/webp', size: avatar.length })
    const db = await useDb()
    const [before] = await db.select({ avatarKey: profiles.avatarKey }).from(profiles).where(eq(profiles.id, actor.id))
    const [row] = await db.update(profiles).set({ avatarKey: key, avatarUrl: `/api/users/${actor.id}/avatar?v=${version}`, updatedAt: new Date() })
      .where(eq(profiles.id, actor.id)).returning()
    await dropAvatarObject(before?.avatarKey ?? null)
    await announce(row!)
    return toUser(row!)
  } finally {
    await rm(tmpPath, { force: true })
  }
}

/** A user's avatar image, for `<img src>` anywhere in the app (avatars are not secret, like Slack's). */
export async function openAvatar(userId: string): Promise<Download> {
  const db = await useDb()
  const [row] = await db.select({ avatarKey: profiles.avatarKey }).from(profiles).where(eq(profiles.id, userId))
  if (!row?.avatarKey) throw new AppError('NOT_FOUND', 'no avatar')
  try {
    return await useFileStorage().download(row.avatarKey, { fileName: 'avatar.webp', contentType: 'image/webp', inline: true, expiresInSeconds: 3600 })
  } catch (error) {
    if (error instanceof StorageError && error.kind === 'not_found') throw new AppError('NOT_FOUND', 'no avatar')
    throw error
  }
}
