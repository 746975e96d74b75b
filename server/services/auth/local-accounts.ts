import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { LoginInput, SignupInput } from '#shared/schemas'
import { useDb } from '../../db/client'
import { localCredentials, profiles } from '../../db/schema'
import { hashPassword, verifyPassword } from '../../infra/auth/passwords'
import { isBanned } from '../../infra/auth/identity'
import { lazy } from '../../infra/lazy'
import { assertSignInAllowed, consumeSignUp, recordSignInFailure, recordSignInSuccess } from '../../infra/auth/throttle'
import { startSession, type IssuedSession } from './sessions'
import { AppError } from '../../utils/errors'
import { getConfig } from '../../utils/config'
import { toUser } from '../people/user-view'

/** Local sign-in routes exist only when Supabase Auth is not configured. */
export function assertLocalAuth() {
  if (getConfig().supabase) throw new AppError('NOT_FOUND', 'local sign-in is disabled: this server uses Supabase Auth')
}

/** Where a sign-in attempt comes from; the throttle counts per IP. */
export interface SignInContext { ip: string, userAgent?: string }

// An unknown email is checked against this hash, so it costs the same scrypt work as a wrong password.
const getDummyHash = lazy('dummy-password-hash', () => hashPassword(randomBytes(16).toString('base64url')))

/** Creates a local account and opens a session for it. */
export async function signUpLocal({ email, password, displayName }: SignupInput, ctx: SignInContext): Promise<IssuedSession> {
  assertLocalAuth()
  await consumeSignUp(ctx.ip)
  const db = await useDb()
  const passwordHash = await hashPassword(password)
  const row = await db.transaction(async (tx) => {
    const [created] = await tx.insert(profiles).values({ email, displayName }).onConflictDoNothing().returning()
    if (!created) throw new AppError('CONFLICT', 'an account with this email already exists', { fields: [{ field: 'email', message: 'already registered' }] })
    await tx.insert(localCredentials).values({ userId: created.id, passwordHash })
    return created
  })
  return startSession(toUser(row), ctx.userAgent)
}

/**
 * Checks local credentials and opens a session. An unknown email and a wrong password get the same
 * answer after the same work; repeated failures lock the account for that IP, and the IP itself.
 */
export async function logInLocal({ email, password }: LoginInput, ctx: SignInContext): Promise<IssuedSession> {
  assertLocalAuth()
  await assertSignInAllowed(email, ctx.ip)
  const db = await useDb()
  const [row] = await db.select({ profile: profiles, hash: localCredentials.passwordHash })
    .from(profiles).innerJoin(localCredentials, eq(localCredentials.userId, profiles.id))
    .where(eq(profiles.email, email))
  const matches = await verifyPassword(password, row?.hash ?? await getDummyHash())
  if (!row || !matches) {
    await recordSignInFailure(email, ctx.ip)
    throw new AppError('UNAUTHENTICATED', 'wrong email or password')
  }
  await recordSignInSuccess(email, ctx.ip)
  if (await isBanned(db, row.profile.id)) throw new AppError('FORBIDDEN', 'this account is banned')
  return startSession(toUser(row.profile), ctx.userAgent)
}
