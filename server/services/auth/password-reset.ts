import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { RateLimiterRes } from 'rate-limiter-flexible'
import { PASSWORD_RESET_TTL_MINUTES, type ForgotPasswordInput, type ResetPasswordInput } from '#shared/email-schemas'
import { useDb } from '../../db/client'
import { localCredentials, passwordResets, profiles } from '../../db/schema'
import { hashPassword } from '../../infra/auth/passwords'
import { logger } from '../../infra/logger'
import { sendMail } from '../../infra/mail/send'
import { consumeOrRefuse, sharedLimiter } from '../../infra/rate-limit'
import { AppError } from '../../utils/errors'
import { assertLocalAuth, type SignInContext } from './local-accounts'
import { passwordResetEmail } from './password-reset-email'
import { revokeUserSessions } from './sessions'

const int = (value: string | undefined, fallback: number) => {
  const n = Number.parseInt(value ?? '', 10)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

/** Lifetime of a reset link: AUTH_RESET_TTL_SECONDS, at most 30 minutes. */
export const resetLinkTtlSeconds = () => Math.min(int(process.env.AUTH_RESET_TTL_SECONDS, PASSWORD_RESET_TTL_MINUTES * 60), PASSWORD_RESET_TTL_MINUTES * 60)

function limiters() {
  return {
    // Per address: a mailbox cannot be flooded, whoever asks and from wherever.
    byAddress: sharedLimiter({ keyPrefix: 'rl:reset:address', points: int(process.env.AUTH_RESET_EMAILS_PER_ADDRESS, 3), duration: 3600 }),
    byIp: sharedLimiter({ keyPrefix: 'rl:reset:ip', points: int(process.env.AUTH_RESET_REQUESTS_PER_IP, 20), duration: 3600 })
  }
}

/**
 * "Forgot password": emails a single-use reset link to a local account. The caller learns nothing:
 * a known and an unknown address, and an address over its hourly budget, answer alike and at once —
 * the lookup and the sending happen after the answer. Only the IP's own budget is refused openly.
 */
export async function requestPasswordReset({ email }: ForgotPasswordInput, ctx: SignInContext): Promise<void> {
  assertLocalAuth()
  const { byAddress, byIp } = limiters()
  await consumeOrRefuse(byIp, ctx.ip, 1, 'too many password reset requests from this address, try again later')
  try {
    await byAddress.consume(email)
  } catch (error) {
    if (error instanceof RateLimiterRes) return
    throw error
  }
  void emailResetLink(email).catch((err: unknown) => logger.warn({ err }, 'could not send a password reset email'))
}

async function emailResetLink(email: string): Promise<void> {
  const db = await useDb()
  const [account] = await db.select({ id: profiles.id, displayName: profiles.displayName })
    .from(profiles).innerJoin(localCredentials, eq(localCredentials.userId, profiles.id))
    .where(eq(profiles.email, email))
  if (!account) return
  const token = randomBytes(32).toString('base64url')
  const ttl = resetLinkTtlSeconds()
  await db.insert(passwordResets).values({ tokenHash: hashToken(token), userId: account.id, expiresAt: sql`now() + make_interval(secs => ${ttl})` })
  await sendMail({ to: email, ...passwordResetEmail(account.displayName, token, ttl) })
}

const invalidLink = () => new AppError('VALIDATION', 'token: this reset link is invalid, used or expired', {
  fields: [{ field: 'token', message: 'this reset link is invalid, used or expired' }]
})

/**
 * Sets a new password from a reset link. The link works once within its 30 minutes; using it spends
 * every other link of the account and ends every session (tokens refused, sockets dropped).
 */
export async function resetPassword({ token, password }: ResetPasswordInput): Promise<void> {
  assertLocalAuth()
  const db = await useDb()
  // Hashed before the transaction: scrypt is slow and PGlite has one connection.
  const passwordHash = await hashPassword(password)
  const userId = await db.transaction(async (tx) => {
    const [claimed] = await tx.update(passwordResets).set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
      .returning({ userId: passwordResets.userId })
    if (!claimed) return null
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(and(eq(passwordResets.userId, claimed.userId), isNull(passwordResets.usedAt)))
    await tx.insert(localCredentials).values({ userId: claimed.userId, passwordHash })
      .onConflictDoUpdate({ target: localCredentials.userId, set: { passwordHash } })
    return claimed.userId
  })
  if (!userId) throw invalidLink()
  await revokeUserSessions(userId, 'password reset')
}
