import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { ModerationNotice, MuteInput, Sanction, unmuteQuerySchema, warnSchema } from '#shared/moderation-schemas'
import type { SanctionKind } from '#shared/enums'
import type { User } from '#shared/types'
import {
  AppError, assertAdmin, conversationParticipants, conversations, profiles, publishToUser, recordAudit,
  revokeUserSessions, sanctionInForce, setConversationMembership, toUser, useDb, userSanctions, type Actor, type DbOrTx,
  type Tx
} from '~~/server/admin-surface'

type SanctionRow = typeof userSanctions.$inferSelect

/** The `{ user }` of the mute routes: the contract's user plus the sanctions in force on them. */
export type SanctionedUser = User & { muted: boolean, mutedUntil: string | null, muteReason: string | null, sanctions: Sanction[] }

/** Work to do once the transaction has committed (live notices, dropped rooms and sessions). */
export type AfterCommit = () => Promise<void>

const toSanction = (row: SanctionRow): Sanction => ({
  id: row.id,
  kind: row.kind,
  projectId: row.projectId,
  conversationId: row.conversationId,
  reportId: row.reportId,
  reason: row.reason,
  until: row.until?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString()
})

/** The end of a sanction from an absolute time or a duration; neither means until lifted. */
export function sanctionEnd(input: { until?: string, durationMinutes?: number }): Date | null {
  if (input.until) {
    const at = new Date(input.until)
    if (at.getTime() <= Date.now()) throw new AppError('VALIDATION', 'until must be in the future', { fields: [{ field: 'until', message: 'in the past' }] })
    return at
  }
  return input.durationMinutes ? new Date(Date.now() + input.durationMinutes * 60_000) : null
}

const inForce = sanctionInForce

/** Mutes, bans and warnings in force on a user (warnings of the last 30 days), newest first. */
export async function sanctionsInForce(db: DbOrTx, userId: string): Promise<Sanction[]> {
  const rows = await db.select().from(userSanctions)
    .where(and(eq(userSanctions.userId, userId), inForce(),
      or(sql`${userSanctions.kind} <> 'warn'`, gt(userSanctions.createdAt, sql`now() - interval '30 days'`))))
    .orderBy(desc(userSanctions.createdAt))
  return rows.map(toSanction)
}

async function requireUser(db: DbOrTx, userId: string) {
  const [target] = await db.select().from(profiles).where(eq(profiles.id, userId))
  if (!target) throw new AppError('NOT_FOUND', 'user not found')
  return target
}

async function sanctionedUser(db: DbOrTx, userId: string): Promise<SanctionedUser> {
  const target = await requireUser(db, userId)
  const sanctions = await sanctionsInForce(db, userId)
  const mute = sanctions.find(s => s.kind === 'mute' && !s.conversationId && !s.projectId)
  return { ...toUser(target), muted: !!mute, mutedUntil: mute?.until ?? null, muteReason: mute?.reason ?? null, sanctions }
}

const notice = (kind: ModerationNotice['kind'], s: Pick<Sanction, 'reason' | 'until' | 'conversationId' | 'projectId'>): ModerationNotice =>
  ({ kind, reason: s.reason, until: s.until, conversationId: s.conversationId, projectId: s.projectId })

/** Takes every socket of the user out of the project's conversations and off their sidebar, on every instance. */
async function dropFromProject(db: DbOrTx, userId: string, projectId: string) {
  const rows = await db.select({ id: conversations.id }).from(conversationParticipants)
    .innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
    .where(and(eq(conversationParticipants.userId, userId), eq(conversations.projectId, projectId)))
  for (const { id } of rows) {
    setConversationMembership([userId], id, false)
    publishToUser(userId, 'conversation:removed', { conversationId: id })
  }
}

/** Gives the rooms back when a project ban is lifted (they reappear on the next sidebar load). */
async function rejoinProject(db: DbOrTx, userId: string, projectId: string) {
  const rows = await db.select({ id: conversations.id }).from(conversationParticipants)
    .innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
    .where(and(eq(conversationParticipants.userId, userId), eq(conversations.projectId, projectId)))
  for (const { id } of rows) setConversationMembership([userId], id, true)
}

export interface SanctionInput {
  userId: string
  kind: SanctionKind
  projectId?: string | null
  conversationId?: string | null
  reason?: string | null
  until?: Date | null
  reportId?: string | null
}

const AUDIT_ACTION: Record<SanctionKind, string> = { mute: 'user.mute', ban: 'user.ban', warn: 'user.warn' }

/**
 * Imposes a sanction inside `tx`, audited there. A new mute or ban replaces the one in force in the
 * same scope (so its end and reason are the latest decision). Returns what to do after commit.
 */
export async function imposeInTx(tx: Tx, actor: Actor, input: SanctionInput, auditExtra: Record<string, unknown> = {}): Promise<{ sanction: Sanction, afterCommit: AfterCommit }> {
  if (input.userId === actor.id) throw new AppError('VALIDATION', 'you cannot sanction yourself', { fields: [{ field: 'id', message: 'is you' }] })
  await requireUser(tx, input.userId)
  const projectId = input.projectId ?? null
  const conversationId = input.conversationId ?? null
  let replaced: Sanction[] = []
  if (input.kind !== 'warn') {
    const sameScope = and(eq(userSanctions.userId, input.userId), eq(userSanctions.kind, input.kind), inForce(),
      projectId ? eq(userSanctions.projectId, projectId) : isNull(userSanctions.projectId),
      conversationId ? eq(userSanctions.conversationId, conversationId) : isNull(userSanctions.conversationId))
    replaced = (await tx.update(userSanctions).set({ revokedAt: sql`now()` }).where(sameScope).returning()).map(toSanction)
  }
  const [row] = await tx.insert(userSanctions).values({
    userId: input.userId, kind: input.kind, projectId, conversationId, reportId: input.reportId ?? null,
    reason: input.reason ?? null, until: input.until ?? null, createdBy: actor.id
  }).returning()
  const sanction = toSanction(row!)
  await recordAudit(tx, actor, AUDIT_ACTION[input.kind], { type: 'user', id: input.userId }, {
    userId: input.userId, reason: sanction.reason, until: sanction.until,
    ...(projectId ? { projectId } : {}), ...(conversationId ? { conversationId } : {}), ...(input.reportId ? { reportId: input.reportId } : {}),
    before: replaced[0] ?? null, after: sanction, ...auditExtra
  })
  const afterCommit: AfterCommit = async () => {
    publishToUser(input.userId, 'moderation:notice', { notice: notice(input.kind, sanction) })
    if (input.kind === 'ban' && projectId) await dropFromProject(await useDb(), input.userId, projectId)
    else if (input.kind === 'ban') await revokeUserSessions(input.userId, 'banned')
  }
  return { sanction, afterCommit }
}

/** Lifts sanctions of one kind (a scope narrows it) inside `tx`, audited there. */
export async function liftInTx(tx: Tx, actor: Actor, userId: string, kind: 'mute' | 'ban', scope: { conversationId?: string, projectId?: string } = {}) {
  await requireUser(tx, userId)
  const filters = [eq(userSanctions.userId, userId), eq(userSanctions.kind, kind), inForce()]
  if (scope.conversationId) filters.push(eq(userSanctions.conversationId, scope.conversationId))
  if (scope.projectId) filters.push(eq(userSanctions.projectId, scope.projectId))
  const lifted = (await tx.update(userSanctions).set({ revokedAt: sql`now()` }).where(and(...filters)).returning()).map(toSanction)
  await recordAudit(tx, actor, kind === 'mute' ? 'user.unmute' : 'user.unban', { type: 'user', id: userId }, {
    userId, lifted: lifted.length, ...scope, before: lifted, after: null
  })
  const afterCommit: AfterCommit = async () => {
    const db = await useDb()
    for (const s of lifted) {
      publishToUser(userId, 'moderation:notice', { notice: notice(kind === 'mute' ? 'unmute' : 'unban', s) })
      if (kind === 'ban' && s.projectId) await rejoinProject(db, userId, s.projectId)
    }
  }
  return { lifted, afterCommit }
}

/** Mutes a user everywhere, or only in one conversation (read-only there), until a time or lifted. */
export async function muteUser(actor: Actor, userId: string, data: MuteInput): Promise<SanctionedUser> {
  assertAdmin(actor)
  const until = sanctionEnd(data)
  const db = await useDb()
  let projectId: string | null = null
  if (data.conversationId) {
    const [c] = await db.select({ projectId: conversations.projectId }).from(conversations).where(eq(conversations.id, data.conversationId))
    if (!c) throw new AppError('NOT_FOUND', 'conversation not found')
    projectId = c.projectId
  }
  const { afterCommit } = await db.transaction(tx => imposeInTx(tx, actor, {
    userId, kind: 'mute', conversationId: data.conversationId ?? null, reason: data.reason ?? null, until
  }, projectId ? { scopeProjectId: projectId } : {}))
  await afterCommit()
  return sanctionedUser(db, userId)
}

/** Lifts the user's mutes: all of them, or only the read-only one in `conversationId`. */
export async function unmuteUser(actor: Actor, userId: string, { conversationId }: z.output<typeof unmuteQuerySchema>): Promise<SanctionedUser> {
  assertAdmin(actor)
  const db = await useDb()
  const { afterCommit } = await db.transaction(tx => liftInTx(tx, actor, userId, 'mute', conversationId ? { conversationId } : {}))
  await afterCommit()
  return sanctionedUser(db, userId)
}

/** A formal warning: recorded, counted in the user's record, and shown to them at once. */
export async function warnUser(actor: Actor, userId: string, { reason }: z.output<typeof warnSchema>): Promise<SanctionedUser> {
  assertAdmin(actor)
  const db = await useDb()
  const { afterCommit } = await db.transaction(tx => imposeInTx(tx, actor, { userId, kind: 'warn', reason }))
  await afterCommit()
  return sanctionedUser(db, userId)
}
