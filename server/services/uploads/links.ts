import { createHmac, timingSafeEqual } from 'node:crypto'
import { useDb } from '../../db/client'
import { storedSecret } from '../../infra/stored-secret'
import { AppError } from '../../utils/errors'
import { authorizeDownload } from './downloads'
import type { Actor } from '../../domain/actor'

/** Lifetime of a `?token=` download link. */
export const ATTACHMENT_URL_TTL_SECONDS = 15 * 60

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

/** A short-lived URL that works without a bearer header, for `<img src>` and plain links. */
export async function createAttachmentUrl(actor: Actor, attachmentId: string): Promise<{ url: string, thumbnailUrl: string | null, expiresAt: string }> {
  const db = await useDb()
  const attachment = await authorizeDownload(db, actor.id, attachmentId)
  const { token, expiresAt } = await signAttachmentToken(attachmentId, actor.id)
  const query = `?token=${encodeURIComponent(token)}`
  return {
    url: `/api/attachments/${attachmentId}${query}`,
    // The same link signs the thumbnail: both answer to exactly the same access rule.
    thumbnailUrl: attachment.thumbnailKey ? `/api/attachments/${attachmentId}/thumbnail${query}` : null,
    expiresAt: expiresAt.toISOString()
  }
}
