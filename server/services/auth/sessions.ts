import { createHash, randomBytes } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { LogoutInput } from '#shared/schemas'
import type { User } from '#shared/types'
import { useDb, type DbOrTx } from '../../db/client'
import { authRefreshTokens, authSessions, profiles } from '../../db/schema'
import { forgetSessionChecks, isBanned, sessionEnded } from '../../infra/auth/identity'
import { signLocalToken } from '../../infra/auth/tokens'
import { getRealtimeServer, userRoom } from '../../infra/realtime'
import { getConfig } from '../../utils/config'
import { AppError } from '../../utils/errors'
import { toUser } from '../people/user-view'

/** What sign-in, sign-up and refresh hand back; the refresh token only ever travels in the cookie. */
export interface IssuedSession {
  accessToken: string
  /** ISO time the access token stops working. */
  expiresAt: string
  expiresIn: number
  refreshToken: string
  refreshExpiresAt: Date
  sessionId: string
  user: User
}

/** Every socket of one session joins this room, so a sign-out drops exactly that session's sockets. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')
const newRefreshToken = () => randomBytes(32).toString('base64url')

/** Stores a new refresh token for the session (inside the caller's transaction). */
async function addRefreshToken(db: DbOrTx, sessionId: string): Promise<{ refreshToken: string, refreshExpiresAt: Date }> {
  const refreshToken = newRefreshToken()
  const refreshExpiresAt = new Date(Date.now() + getConfig().refreshTtlSeconds * 1000)
  await db.insert(authRefreshTokens).values({ sessionId, tokenHash: hashToken(refreshToken), expiresAt: refreshExpiresAt })
  return { refreshToken, refreshExpiresAt }
}

// Signed after the transaction: reading the signing secret needs the database, and PGlite has one connection.
async function withAccessToken(user: User, sessionId: string, refresh: { refreshToken: string, refreshExpiresAt: Date }): Promise<IssuedSession> {
  const { token, exp } = await signLocalToken(user, sessionId)
  return { accessToken: token, expiresAt: new Date(exp * 1000).toISOString(), expiresIn: exp - Math.floor(Date.now() / 1000), ...refresh, sessionId, user }
}

/** Opens a new session (one per sign-in) with its first refresh token. */
export async function startSession(user: User, userAgent?: string): Promise<IssuedSession> {
  const db = await useDb()
  const { sessionId, refresh } = await db.transaction(async (tx) => {
    const [session] = await tx.insert(authSessions).values({ userId: user.id, userAgent: userAgent?.slice(0, 300) ?? null }).returning({ id: authSessions.id })
    return { sessionId: session!.id, refresh: await addRefreshToken(tx, session!.id) }
  })
  return withAccessToken(user, sessionId, refresh)
}

/**
 * Trades a refresh token for a new access token and a new refresh token. The old one stops working;
 * presenting it again later means two parties hold it, so the whole session is ended.
 */
export async function refreshSession(refreshToken: string | undefined): Promise<IssuedSession> {
  if (!refreshToken) throw new AppError('UNAUTHENTICATED', 'missing refresh token')
  const db = await useDb()
  const [row] = await db.select({ token: authRefreshTokens, session: authSessions, profile: profiles })
    .from(authRefreshTokens)
    .innerJoin(authSessions, eq(authSessions.id, authRefreshTokens.sessionId))
    .innerJoin(profiles, eq(profiles.id, authSessions.userId))
    .where(eq(authRefreshTokens.tokenHash, hashToken(refreshToken)))
  if (!row || row.session.revokedAt) throw sessionEnded()
  if (row.token.rotatedAt) {
    await revokeSession(row.session.id, 'refresh token reused')
    throw sessionEnded()
  }
  if (row.token.expiresAt.getTime() <= Date.now()) throw sessionEnded()
  if (await isBanned(db, row.profile.id)) {
    await revokeSession(row.session.id, 'banned')
    throw sessionEnded()
  }
  const user: User = toUser(row.profile)
  const issued = await db.transaction(async (tx) => {
    // Only one of two concurrent refreshes with the same token may win; the loser is a reuse.
    const rotated = await tx.update(authRefreshTokens).set({ rotatedAt: sql`now()` })
      .where(and(eq(authRefreshTokens.id, row.token.id), isNull(authRefreshTokens.rotatedAt)))
      .returning({ id: authRefreshTokens.id })
    if (!rotated.length) return null
    await tx.update(authSessions).set({ refreshedAt: sql`now()` }).where(eq(authSessions.id, row.session.id))
    return addRefreshToken(tx, row.session.id)
  })
  if (!issued) {
    await revokeSession(row.session.id, 'refresh token reused')
    throw sessionEnded()
  }
  return withAccessToken(user, row.session.id, issued)
}

/** The session a refresh token belongs to, or null. */
export async function sessionOfRefreshToken(refreshToken: string): Promise<string | null> {
  const db = await useDb()
  const [row] = await db.select({ sessionId: authRefreshTokens.sessionId }).from(authRefreshTokens)
    .where(eq(authRefreshTokens.tokenHash, hashToken(refreshToken)))
  return row?.sessionId ?? null
}

/** Sign-out: ends the session of the refresh token (else of the access token), or all the user's sessions. */
export async function signOut(by: { refreshToken?: string, sessionId: string | null }, { scope }: LogoutInput): Promise<void> {
  const sessionId = (by.refreshToken ? await sessionOfRefreshToken(by.refreshToken) : null) ?? by.sessionId
  if (!sessionId) return
  if (scope === 'local') return revokeSession(sessionId, 'signed out')
  const db = await useDb()
  const [session] = await db.select({ userId: authSessions.userId }).from(authSessions).where(eq(authSessions.id, sessionId))
  if (session) await revokeUserSessions(session.userId, 'signed out everywhere')
}

/** Ends one session: its refresh tokens and access tokens stop working and its sockets are dropped. */
export async function revokeSession(sessionId: string, reason: string): Promise<void> {
  const db = await useDb()
  await db.update(authSessions).set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(authSessions.id, sessionId), isNull(authSessions.revokedAt)))
  forgetSessionChecks(entry => entry.sessionId === sessionId)
  disconnectRoom(sessionRoom(sessionId), reason)
}

/** Ends every session of a user (sign-out everywhere, ban) and drops all their sockets on every instance. */
export async function revokeUserSessions(userId: string, reason: string): Promise<void> {
  const db = await useDb()
  await db.update(authSessions).set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
  forgetSessionChecks(entry => entry.userId === userId)
  disconnectRoom(userRoom(userId), reason)
}

/** Through the adapter this reaches the sockets on every instance. */
function disconnectRoom(room: string, reason: string) {
  const io = getRealtimeServer()
  if (!io) return
  io.in(room).emit('session:expired', { code: 'UNAUTHENTICATED', message: `session ended: ${reason}` })
  io.in(room).disconnectSockets(true)
}
