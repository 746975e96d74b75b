import { and, eq, isNull, sql } from 'drizzle-orm'
import { adminBanSchema } from '#shared/admin-schemas'
import type { User } from '#shared/types'
import { useDb } from '~~/server/db/client'
import { profiles, userSanctions } from '~~/server/db/schema'
import { AppError, parseInput } from '~~/server/utils/errors'
import { activeBan } from '~~/server/infra/auth/identity'
import { assertAdmin } from '~~/server/services/access'
import { revokeUserSessions } from '~~/server/services/sessions'
import { toUser, type Actor } from '~~/server/services/users'
import { recordAudit } from './audit'

/** The `{ user }` of the ban routes: the contract's user plus the ban in force, if any. */
export type BanView = User & { banned: boolean, bannedUntil: string | null, banReason: string | null }

/**
 * Bans a user account-wide: sends are refused, every session ends and their sockets are dropped on
 * every instance, and sign-in is refused until the ban is lifted (or its `until` passes).
 */
export async function banUser(actor: Actor, userId: string, input: unknown): Promise<BanView> {
  assertAdmin(actor)
  const { reason, projectId, until } = parseInput(adminBanSchema, input)
  if (userId === actor.id) throw new AppError('VALIDATION', 'you cannot ban yourself', { fields: [{ field: 'id', message: 'is you' }] })
  const db = await useDb()
  const view = await db.transaction(async (tx) => {
    const [target] = await tx.select().from(profiles).where(eq(profiles.id, userId))
    if (!target) throw new AppError('NOT_FOUND', 'user not found')
    // One ban in force at a time: a new ban replaces the old one's reason and end.
    await tx.update(userSanctions).set({ revokedAt: sql`now()` }).where(activeBan(userId))
    const [ban] = await tx.insert(userSanctions).values({
      userId, kind: 'ban', reason: reason ?? null, until: until ? new Date(until) : null, createdBy: actor.id
    }).returning()
    await recordAudit(tx, actor, 'user.ban', { type: 'user', id: userId }, { userId, reason: reason ?? null, until: until ?? null, ...(projectId ? { projectId } : {}) })
    return { ...toUser(target), banned: true, bannedUntil: ban!.until?.toISOString() ?? null, banReason: ban!.reason }
  })
  await revokeUserSessions(userId, 'banned')
  return view
}

/** Lifts every ban in force; the user signs in again to get a new session. */
export async function liftBan(actor: Actor, userId: string): Promise<BanView> {
  assertAdmin(actor)
  const db = await useDb()
  return db.transaction(async (tx) => {
    const [target] = await tx.select().from(profiles).where(eq(profiles.id, userId))
    if (!target) throw new AppError('NOT_FOUND', 'user not found')
    const lifted = await tx.update(userSanctions).set({ revokedAt: sql`now()` })
      .where(and(eq(userSanctions.userId, userId), eq(userSanctions.kind, 'ban'), isNull(userSanctions.revokedAt)))
      .returning({ id: userSanctions.id })
    await recordAudit(tx, actor, 'user.unban', { type: 'user', id: userId }, { userId, lifted: lifted.length })
    return { ...toUser(target), banned: false, bannedUntil: null, banReason: null }
  })
}
