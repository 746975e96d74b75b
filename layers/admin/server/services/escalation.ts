import { and, countDistinct, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm'
import { escalationRulePatchSchema, escalationRuleSchema, type Escalation, type EscalationAction, type EscalationRule } from '#shared/moderation-schemas'
import {
  AppError, assertAdmin, auditLog, conversations, messages, parseInput, projects, reports, useDb, type Actor,
  type DbOrTx, type Tx
} from '~~/server/admin-surface'
import { escalationRules } from '../db/schema'
import { recordAudit } from './audit'
import { imposeInTx, type AfterCommit } from './admin-sanctions'

type RuleRow = typeof escalationRules.$inferSelect

const toRule = (r: RuleRow): EscalationRule => ({
  id: r.id, threshold: r.threshold, windowDays: r.windowDays, action: r.action, durationHours: r.durationHours,
  enabled: r.enabled, projectId: r.projectId, createdAt: r.createdAt.toISOString()
})

const SEVERITY: Record<EscalationAction, number> = { readonly: 1, mute: 2, ban: 3 }

/** Of two matching rules the one with the heavier sanction wins, then the longer one (forever beats any length). */
export function strongerRule<R extends Pick<EscalationRule, 'action' | 'durationHours'>>(a: R, b: R): R {
  if (SEVERITY[a.action] !== SEVERITY[b.action]) return SEVERITY[a.action] > SEVERITY[b.action] ? a : b
  if (a.durationHours === null) return a
  if (b.durationHours === null) return b
  return a.durationHours >= b.durationHours ? a : b
}

/** Human wording of a rule's sanction, e.g. "muted for 24 h". */
export function describeEscalation(action: EscalationAction, durationHours: number | null): string {
  const verb = action === 'mute' ? 'muted' : action === 'readonly' ? 'read-only in the conversation' : 'banned from the project'
  if (durationHours === null) return `${verb} until lifted`
  return `${verb} for ${durationHours % 24 === 0 && durationHours >= 48 ? `${durationHours / 24} d` : `${durationHours} h`}`
}

/**
 * How many distinct messages of the sender had a report upheld in the last `windowDays` (in the
 * project, when given). Several reports of one message count once; dismissed reports never count.
 */
export async function countUpheld(db: DbOrTx, senderId: string, windowDays: number, projectId: string | null): Promise<number> {
  const [row] = await db.select({ n: countDistinct(reports.messageId) }).from(reports)
    .innerJoin(messages, eq(messages.id, reports.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.senderId, senderId), eq(reports.status, 'resolved'), ne(reports.action, 'dismissed'),
      gt(reports.resolvedAt, sql`now() - make_interval(days => ${windowDays})`),
      projectId ? eq(conversations.projectId, projectId) : undefined))
  return row?.n ?? 0
}

export interface UpheldReport { reportId: string, senderId: string, projectId: string, conversationId: string }

/**
 * Runs after a report is upheld, inside its transaction: the strongest enabled rule whose threshold
 * the sender's upheld reports reach imposes its sanction, with a reason saying why, audited as
 * user.escalate next to the sanction's own entry.
 */
export async function escalateInTx(tx: Tx, actor: Actor, upheld: UpheldReport): Promise<{ escalation: Escalation, afterCommit: AfterCommit } | null> {
  const rules = await tx.select().from(escalationRules)
    .where(and(eq(escalationRules.enabled, true), or(isNull(escalationRules.projectId), eq(escalationRules.projectId, upheld.projectId))))
  let best: (RuleRow & { count: number }) | null = null
  for (const rule of rules) {
    const count = await countUpheld(tx, upheld.senderId, rule.windowDays, rule.projectId)
    if (count < rule.threshold) continue
    best = best ? strongerRule(best, { ...rule, count }) : { ...rule, count }
  }
  if (!best) return null
  const reason = `${best.count} upheld reports in ${best.windowDays} days`
  const until = best.durationHours === null ? null : new Date(Date.now() + best.durationHours * 3_600_000)
  const { sanction, afterCommit } = await imposeInTx(tx, actor, {
    userId: upheld.senderId,
    kind: best.action === 'ban' ? 'ban' : 'mute',
    projectId: best.action === 'ban' ? upheld.projectId : null,
    conversationId: best.action === 'readonly' ? upheld.conversationId : null,
    reason, until, reportId: upheld.reportId
  }, { escalation: true })
  const escalation: Escalation = { ruleId: best.id, action: best.action, durationHours: best.durationHours, count: best.count, windowDays: best.windowDays, reason }
  await recordAudit(tx, actor, 'user.escalate', { type: 'user', id: upheld.senderId }, {
    userId: upheld.senderId, reportId: upheld.reportId, ...escalation, sanctionId: sanction.id, until: sanction.until, after: sanction
  })
  return { escalation, afterCommit }
}

/** The escalation a report triggered, read back from its audit entry. */
export async function escalationOf(db: DbOrTx, reportId: string): Promise<Escalation | null> {
  const [row] = await db.select({ details: auditLog.details }).from(auditLog)
    .where(and(eq(auditLog.action, 'user.escalate'), sql`${auditLog.details}->>'reportId' = ${reportId}`))
    .orderBy(desc(auditLog.createdAt)).limit(1)
  if (!row) return null
  const d = row.details as unknown as Escalation
  return { ruleId: d.ruleId, action: d.action, durationHours: d.durationHours, count: d.count, windowDays: d.windowDays, reason: d.reason }
}

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

export async function createEscalationRule(actor: Actor, input: unknown): Promise<EscalationRule> {
  assertAdmin(actor)
  const data = parseInput(escalationRuleSchema, input)
  const db = await useDb()
  await assertProject(db, data.projectId)
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(escalationRules).values({ ...data, createdBy: actor.id }).returning()
    const rule = toRule(row!)
    await recordAudit(tx, actor, 'escalation.rule.create', { type: 'escalation_rule', id: rule.id }, { before: null, after: rule })
    return rule
  })
}

export async function updateEscalationRule(actor: Actor, id: string, input: unknown): Promise<EscalationRule> {
  assertAdmin(actor)
  const data = parseInput(escalationRulePatchSchema, input)
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
