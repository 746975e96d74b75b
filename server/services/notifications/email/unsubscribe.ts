import { createHmac, timingSafeEqual } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { useDb } from '../../../db/client'
import { profiles } from '../../../db/schema'
import { storedSecret } from '../../../infra/stored-secret'
import { AppError } from '../../../utils/errors'

// One-click unsubscribe links (RFC 8058) carry `<userId>.<HMAC(userId + purpose)>`: no expiry, since
// a mail client may post to one months later, and nothing else is needed to honour it.

const PURPOSE = 'email-unsubscribe'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

async function mac(userId: string): Promise<Buffer> {
  return createHmac('sha256', await storedSecret('email_link_secret')).update(`${PURPOSE}:${userId.toLowerCase()}`).digest()
}

/** The signed token of a user's unsubscribe link. */
export async function unsubscribeToken(userId: string): Promise<string> {
  return `${userId}.${(await mac(userId)).toString('base64url')}`
}

const invalidLink = () => new AppError('VALIDATION', 'token: this unsubscribe link is not valid', { fields: [{ field: 'token', message: 'not a valid unsubscribe link' }] })

/** The user an unsubscribe token was signed for, or VALIDATION. */
export async function verifyUnsubscribeToken(token: string): Promise<string> {
  const [userId, signature, ...rest] = token.split('.')
  if (!userId || !signature || rest.length || !UUID.test(userId)) throw invalidLink()
  const given = Buffer.from(signature, 'base64url')
  const expected = await mac(userId)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidLink()
  return userId
}

/** Turns missed-activity emails off for the user a valid unsubscribe token names. */
export async function unsubscribeByToken(token: string): Promise<void> {
  const userId = await verifyUnsubscribeToken(token)
  const db = await useDb()
  await db.update(profiles).set({ emailNotifications: 'none' }).where(eq(profiles.id, userId))
}
