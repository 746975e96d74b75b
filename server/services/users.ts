import { randomBytes } from 'node:crypto'
import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import type { User, UserSummary } from '#shared/types'
import { signupSchema, loginSchema } from '#shared/schemas'
import { useDb } from '../db/client'
import { localCredentials, profiles, type ProfileRow } from '../db/schema'
import { hashPassword, verifyPassword } from '../infra/auth/passwords'
import type { AccessClaims } from '../infra/auth/tokens'
import { assertSignInAllowed, consumeSignUp, recordSignInFailure, recordSignInSuccess } from '../infra/auth/throttle'
import { isBanned, startSession, type IssuedSession } from './sessions'
import { AppError, parseInput } from '../utils/errors'
import { getConfig } from '../utils/config'

/** The authenticated caller every service receives explicitly. */
export interface Actor {
  id: string
  email: string
  displayName: string
  role: 'member' | 'admin'
  avatarUrl: string | null
  tokenExp: number
  /** The session the access token belongs to (local mode; Supabase's own id otherwise). */
  sessionId?: string | null
}

export const toUser = (row: ProfileRow): User => ({
  id: row.id, email: row.email, displayName: row.displayName, avatarUrl: row.avatarUrl, role: row.role
})
export const toUserSummary = (row: Pick<ProfileRow, 'id' | 'displayName' | 'avatarUrl'>): UserSummary => ({
  id: row.id, displayName: row.displayName, avatarUrl: row.avatarUrl
})

/** Local sign-in routes exist only when Supabase Auth is not configured. */
export function assertLocalAuth() {
  if (getConfig().supabase) throw new AppError('NOT_FOUND', 'local sign-in is disabled: this server uses Supabase Auth')
}

/** Where a sign-in attempt comes from; the throttle counts per IP. */
export interface SignInContext { ip: string, userAgent?: string }

// An unknown email is checked against this hash, so it costs the same scrypt work as a wrong password.
let dummyHash: Promise<string> | undefined
const getDummyHash = () => (dummyHash ??= hashPassword(randomBytes(16).toString('base64url')))

/** Creates a local account and opens a session for it. */
export async function signUpLocal(input: unknown, ctx: SignInContext): Promise<IssuedSession> {
  assertLocalAuth()
  const { email, password, displayName } = parseInput(signupSchema, input)
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
export async function logInLocal(input: unknown, ctx: SignInContext): Promise<IssuedSession> {
  assertLocalAuth()
  const { email, password } = parseInput(loginSchema, input)
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

/** Supabase mode: the role comes from app_metadata (set by the service role), never from user_metadata. */
const roleFromClaims = (claims: AccessClaims): 'member' | 'admin' => claims.app_metadata?.role === 'admin' ? 'admin' : 'member'

/**
 * Creates the profile of a Supabase user on first sight. An email still held by the profile of a
 * deleted account (another id) is released first, so a re-created account is not locked out.
 */
async function createSupabaseProfile(claims: AccessClaims): Promise<ProfileRow | undefined> {
  const db = await useDb()
  const meta = claims.user_metadata ?? {}
  const email = claims.email?.toLowerCase() || `${claims.sub}@users.invalid`
  const displayName = meta.display_name ?? meta.full_name ?? meta.name ?? email.split('@')[0] ?? 'member'
  return db.transaction(async (tx) => {
    await tx.update(profiles).set({ email: sql`${profiles.id}::text || '@released.invalid'` })
      .where(and(eq(profiles.email, email), ne(profiles.id, claims.sub)))
    await tx.insert(profiles).values({ id: claims.sub, email, displayName, role: roleFromClaims(claims) }).onConflictDoNothing()
    const [row] = await tx.select().from(profiles).where(eq(profiles.id, claims.sub))
    return row
  })
}

/** Resolves verified token claims to an actor, creating the profile on first sight (Supabase mode). */
export async function actorFromClaims(claims: AccessClaims): Promise<Actor> {
  const db = await useDb()
  const supabase = getConfig().supabase !== null
  let [row] = await db.select().from(profiles).where(eq(profiles.id, claims.sub))
  if (!row && supabase) row = await createSupabaseProfile(claims)
  if (!row) throw new AppError('UNAUTHENTICATED', 'unknown user')
  if (supabase && row.role !== roleFromClaims(claims)) {
    // The token is the authority on the role; keep the stored copy in step for queries and the admin UI.
    ;[row] = await db.update(profiles).set({ role: roleFromClaims(claims), updatedAt: sql`now()` }).where(eq(profiles.id, row.id)).returning()
  }
  return { id: row!.id, email: row!.email, displayName: row!.displayName, role: row!.role, avatarUrl: row!.avatarUrl, tokenExp: claims.exp, sessionId: claims.session_id ?? null }
}

export async function getUser(id: string): Promise<User> {
  const db = await useDb()
  const [row] = await db.select().from(profiles).where(eq(profiles.id, id))
  if (!row) throw new AppError('NOT_FOUND', 'user not found')
  return toUser(row)
}

export async function findUsersByIds(ids: string[]): Promise<ProfileRow[]> {
  if (ids.length === 0) return []
  const db = await useDb()
  return db.select().from(profiles).where(inArray(profiles.id, ids))
}
