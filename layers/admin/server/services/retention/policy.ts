import { count, eq, isNotNull, sql } from 'drizzle-orm'
import type { AdminProjectRetention, RetentionPolicy, RetentionPolicyInput } from '#admin-shared/retention-schemas'
import {
  AppError, assertAdmin, conversations, messages, projects, recordAudit, useDb, type Actor, type DbOrTx
} from '~~/server/admin-surface'
import { retentionPolicies } from '../../db/schema'

type PolicyRow = typeof retentionPolicies.$inferSelect

/** A project without a stored policy keeps everything, pinned messages included. */
function toPolicy(projectId: string, row: PolicyRow | undefined): RetentionPolicy {
  return {
    projectId,
    days: row?.days ?? null,
    keepPinned: row?.keepPinned ?? true,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    updatedBy: row?.updatedBy ?? null
  }
}

export async function requireProject(db: DbOrTx, projectId: string) {
  const [project] = await db.select({ id: projects.id, name: projects.name }).from(projects).where(eq(projects.id, projectId))
  if (!project) throw new AppError('NOT_FOUND', 'project not found')
  return project
}

export async function loadPolicy(db: DbOrTx, projectId: string): Promise<RetentionPolicy> {
  const [row] = await db.select().from(retentionPolicies).where(eq(retentionPolicies.projectId, projectId))
  return toPolicy(projectId, row)
}

export async function getRetentionPolicy(actor: Actor, projectId: string): Promise<RetentionPolicy> {
  assertAdmin(actor)
  const db = await useDb()
  await requireProject(db, projectId)
  return loadPolicy(db, projectId)
}

/** Saves the project's policy; the next run applies it. Audited with the policy before and after. */
export async function setRetentionPolicy(actor: Actor, projectId: string, next: RetentionPolicyInput): Promise<RetentionPolicy> {
  assertAdmin(actor)
  const db = await useDb()
  return db.transaction(async (tx) => {
    await requireProject(tx, projectId)
    const [current] = await tx.select().from(retentionPolicies).where(eq(retentionPolicies.projectId, projectId)).for('update')
    const before = toPolicy(projectId, current)
    const values = { days: next.days, keepPinned: next.keepPinned, updatedBy: actor.id, updatedAt: new Date() }
    const [row] = await tx.insert(retentionPolicies).values({ projectId, ...values })
      .onConflictDoUpdate({ target: retentionPolicies.projectId, set: values }).returning()
    const after = toPolicy(projectId, row)
    await recordAudit(tx, actor, 'retention.update', { type: 'project', id: projectId }, {
      before: { days: before.days, keepPinned: before.keepPinned },
      after: { days: after.days, keepPinned: after.keepPinned }
    })
    return after
  })
}

/** Every project with its policy and how many retention-deleted messages can still be restored. */
export async function listProjectRetention(actor: Actor): Promise<AdminProjectRetention[]> {
  assertAdmin(actor)
  const db = await useDb()
  const [rows, restorable] = await Promise.all([
    db.select({ project: { id: projects.id, name: projects.name }, policy: retentionPolicies }).from(projects)
      .leftJoin(retentionPolicies, eq(retentionPolicies.projectId, projects.id))
      .orderBy(sql`lower(${projects.name})`, projects.id),
    db.select({ projectId: conversations.projectId, n: count() }).from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(isNotNull(messages.retentionDeletedAt))
      .groupBy(conversations.projectId)
  ])
  const restorableBy = new Map(restorable.map(r => [r.projectId, r.n]))
  return rows.map(r => ({ ...r.project, policy: toPolicy(r.project.id, r.policy ?? undefined), restorable: restorableBy.get(r.project.id) ?? 0 }))
}
