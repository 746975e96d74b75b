import { eq } from 'drizzle-orm'
import type { AdminBanInput, AdminUnbanQuery } from '#admin-shared/admin-schemas'
import type { User } from '#shared/types'
import { AppError, assertAdmin, profiles, projects, toUser, useDb, type Actor } from '~~/server/admin-surface'
import { imposeInTx, liftInTx, sanctionsInForce } from './sanctions'

/** The `{ user }` of the ban routes: the contract's user plus the account-wide ban in force, if any, and project bans. */
export type BanView = User & { banned: boolean, bannedUntil: string | null, banReason: string | null, projectBans: { projectId: string, until: string | null, reason: string | null }[] }

async function banView(userId: string): Promise<BanView> {
  const db = await useDb()
  const [target] = await db.select().from(profiles).where(eq(profiles.id, userId))
  if (!target) throw new AppError('NOT_FOUND', 'user not found')
  const bans = (await sanctionsInForce(db, userId)).filter(s => s.kind === 'ban')
  const account = bans.find(b => !b.projectId)
  return {
    ...toUser(target),
    banned: !!account,
    bannedUntil: account?.until ?? null,
    banReason: account?.reason ?? null,
    projectBans: bans.filter(b => b.projectId).map(b => ({ projectId: b.projectId!, until: b.until, reason: b.reason }))
  }
}

/**
 * Bans a user. Account-wide: sends are refused, every session ends and their sockets are dropped on
 * every instance, and sign-in is refused until the ban is lifted (or its `until` passes). With a
 * `projectId`: only that project's conversations close to them, and their sockets leave those rooms.
 */
export async function banUser(actor: Actor, userId: string, input: AdminBanInput): Promise<BanView> {
  assertAdmin(actor)
  const { reason, projectId, until } = input
  const db = await useDb()
  if (projectId) {
    const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId))
    if (!project) throw new AppError('NOT_FOUND', 'project not found')
  }
  const { afterCommit } = await db.transaction(tx => imposeInTx(tx, actor, {
    userId, kind: 'ban', projectId: projectId ?? null, reason: reason ?? null, until: until ? new Date(until) : null
  }))
  await afterCommit()
  return banView(userId)
}

/** Lifts the bans in force (only the project's with `projectId`); after an account ban the user signs in again. */
export async function liftBan(actor: Actor, userId: string, { projectId }: AdminUnbanQuery): Promise<BanView> {
  assertAdmin(actor)
  const db = await useDb()
  const { afterCommit } = await db.transaction(tx => liftInTx(tx, actor, userId, 'ban', projectId ? { projectId } : {}))
  await afterCommit()
  return banView(userId)
}
