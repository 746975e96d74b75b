import { and, eq, ne, sql } from 'drizzle-orm'
import { useDb, type DbOrTx } from '../../db/client'
import { accountBanInForce } from '../../db/sanctions'
import { authSessions, profiles, userSanctions, type ProfileRow } from '../../db/schema'
import { getConfig } from '../../utils/config'
import { AppError } from '../../utils/errors'
import type { Actor } from '../../domain/actor'
import { verifyAccessToken, type AccessClaims } from './tokens'

// Who the bearer of an access token is: the token verified, its session still live, its user not
// banned, and the profile it names. REST (server/utils/auth.ts) and the Socket.IO handshake both
// come through resolveActor; the services receive its Actor.

export const sessionEnded = () => new AppError('UNAUTHENTICATED', 'session ended, please sign in again')

/** Whether the user is banned from the whole service right now (a project ban is not a sign-in ban). */
export async function isBanned(db: DbOrTx, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: userSanctions.id }).from(userSanctions).where(accountBanInForce(userId)).limit(1)
  return !!row
}

// A few seconds of caching keeps the check, and the profile the actor is made of, off the hot path;
// revocations and profile changes on this instance evict at once (others follow within CHECK_TTL_MS).
const CHECK_TTL_MS = 2000
const CHECK_CACHE_MAX = 20_000
interface CheckEntry { ok: boolean, at: number, userId: string, sessionId: string | null, profile: ProfileRow | null }
const checks = new Map<string, CheckEntry>()

/** Drops cached checks of revoked sessions or users, so this instance refuses them at once. */
export function forgetSessionChecks(match: (entry: CheckEntry) => boolean) {
  for (const [key, entry] of checks) if (match(entry)) checks.delete(key)
}

/** Drops the cached profile of a user whose name or avatar changed: their next request acts as the new one. */
export function forgetCachedProfile(userId: string) {
  forgetSessionChecks(entry => entry.userId === userId)
}

async function lookUp(claims: AccessClaims, local: boolean): Promise<boolean> {
  const db = await useDb()
  if (!local) return !(await isBanned(db, claims.sub))
  if (!claims.session_id) return false
  const [row] = await db.select({
    revokedAt: authSessions.revokedAt,
    userId: authSessions.userId,
    banned: sql<boolean>`exists (select 1 from ${userSanctions} where ${accountBanInForce(sql`${authSessions.userId}`)})`
  }).from(authSessions).where(eq(authSessions.id, claims.session_id))
  return !!row && row.userId === claims.sub && !row.revokedAt && !row.banned
}

/**
 * Whether a verified access token may still act: in local mode its session is live; in both modes
 * its user is not banned.
 */
export async function assertSessionLive(claims: AccessClaims): Promise<void> {
  await liveCheck(claims)
}

/**
 * Drops the entries past their TTL, which no lookup would use again. The map is in insertion order
 * and an entry is re-inserted whenever it is refreshed, so the stale ones are at its front. Without
 * this a connect burst left an entry (key, profile row) per socket in memory up to CHECK_CACHE_MAX.
 */
function dropStaleChecks(now: number) {
  for (const [key, entry] of checks) {
    if (now - entry.at <= CHECK_TTL_MS) return
    checks.delete(key)
  }
}

async function liveCheck(claims: AccessClaims): Promise<CheckEntry> {
  const local = getConfig().supabase === null
  const key = local ? `s:${claims.session_id ?? ''}:${claims.sub}` : `u:${claims.sub}`
  const now = Date.now()
  let entry = checks.get(key)
  if (!entry || now - entry.at > CHECK_TTL_MS) {
    entry = { ok: await lookUp(claims, local), at: now, userId: claims.sub, sessionId: local ? claims.session_id ?? null : null, profile: null }
    checks.delete(key)
    dropStaleChecks(now)
    if (checks.size >= CHECK_CACHE_MAX) checks.delete(checks.keys().next().value!)
    checks.set(key, entry)
  }
  if (!entry.ok) throw sessionEnded()
  return entry
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

/**
 * Resolves verified token claims to an actor, creating the profile on first sight (Supabase mode).
 * `check`: the live-session check of these claims, whose cached profile it reuses and fills.
 */
export async function actorFromClaims(claims: AccessClaims, check?: CheckEntry): Promise<Actor> {
  const supabase = getConfig().supabase !== null
  const cached = check?.profile
  // A Supabase token naming another role than the stored one goes the long way, which stores it.
  if (cached && (!supabase || cached.role === roleFromClaims(claims))) return toActor(cached, claims)
  const db = await useDb()
  let [row] = await db.select().from(profiles).where(eq(profiles.id, claims.sub))
  if (!row && supabase) row = await createSupabaseProfile(claims)
  if (!row) throw new AppError('UNAUTHENTICATED', 'unknown user')
  if (supabase && row.role !== roleFromClaims(claims)) {
    // The token is the authority on the role; keep the stored copy in step for queries and the admin UI.
    ;[row] = await db.update(profiles).set({ role: roleFromClaims(claims), updatedAt: sql`now()` }).where(eq(profiles.id, row.id)).returning()
  }
  if (check) check.profile = row!
  return toActor(row!, claims)
}

const toActor = (row: ProfileRow, claims: AccessClaims): Actor =>
  ({ id: row.id, email: row.email, displayName: row.displayName, role: row.role, avatarUrl: row.avatarUrl, tokenExp: claims.exp, sessionId: claims.session_id ?? null })

/** One path from a bearer token to an actor, used by REST and by the Socket.IO handshake. */
export async function resolveActor(token: string | undefined | null): Promise<Actor> {
  if (!token) throw new AppError('UNAUTHENTICATED', 'missing access token')
  let claims
  try {
    claims = await verifyAccessToken(token)
  } catch {
    throw new AppError('UNAUTHENTICATED', 'invalid or expired access token')
  }
  // A signature alone is not enough: the session may have been signed out, rotated away or banned.
  return actorFromClaims(claims, await liveCheck(claims))
}
