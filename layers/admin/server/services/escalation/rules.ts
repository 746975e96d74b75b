import { eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import type { EscalationRule, escalationRulePatchSchema, escalationRuleSchema } from '#shared/moderation-schemas'
import { AppError, assertAdmin, projects, recordAudit, useDb, type Actor, type DbOrTx } from '~~/server/admin-surface'
import { escalationRules } from '../../db/schema'
import { toRule } from './escalate'

export async function listEscalationRules(actor: Actor): Promise<EscalationRule[]> {
  assertAdmin(actor)
  const db = await useDb()
  return (await db.select().from(escalationRules).orderBy(escalationRules.threshold, escalationRules.createdAt)).map(toRule)
}

async function assertProject(db: DbOrTx, projectId: string | null | undefined) {
  if (!projectId) return
  const [p] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId))
  if (!p) throw new AppError('VALIDATION', 'no such project', { fields: [{ field: 'projectId', message: 'not found' }] })
}

export async function createEscalationRule(actor: Actor, data: z.output<typeof escalationRuleSchema>): Promise<EscalationRule> {
  assertAdmin(actor)
  const db = await useDb()
  await assertProject(db, data.projectId)
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(escalationRules).values({ ...data, createdBy: actor.id }).returning()
    const rule = toRule(row!)
    await recordAudit(tx, actor, 'escalation.rule.create', { type: 'escalation_rule', id: rule.id }, { before: null, after: rule })
    return rule
  })
}

export async function updateEscalationRule(actor: Actor, id: string, data: z.output<typeof escalationRulePatchSchema>): Promise<EscalationRule> {
  assertAdmin(actor)
  const db = await useDb()
  await assertProject(db, data.projectId)
  return db.transaction(async (tx) => {
    const [old] = await tx.select().from(escalationRules).where(eq(escalationRules.id, id)).for('update')
    if (!old) throw new AppError('NOT_FOUND', 'rule not found')
    const [row] = await tx.update(escalationRules).set({ ...data, updatedAt: sql`now()` }).where(eq(escalationRules.id, id)).returning()
    const rule = toRule(row!)
    await recordAudit(tx, actor, 'escalation.rule.update', { type: 'escalation_rule', id }, { before: toRule(old), after: rule })
    return rule
  })
}

export async function deleteEscalationRule(actor: Actor, id: string): Promise<void> {
  assertAdmin(actor)
  const db = await useDb()
  await db.transaction(async (tx) => {
    const [old] = await tx.delete(escalationRules).where(eq(escalationRules.id, id)).returning()
    if (!old) throw new AppError('NOT_FOUND', 'rule not found')
    await recordAudit(tx, actor, 'escalation.rule.delete', { type: 'escalation_rule', id }, { before: toRule(old), after: null })
  })
}
