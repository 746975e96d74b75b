import { and, countDistinct, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm'
import type { Escalation, EscalationAction, EscalationRule } from '#shared/moderation-schemas'
import { auditLog, conversations, messages, recordAudit, reports, type Actor, type DbOrTx, type Tx } from '~~/server/admin-surface'
import { escalationRules } from '../../db/schema'
import { imposeInTx, type AfterCommit } from '../moderation/sanctions'

type RuleRow = typeof escalationRules.$inferSelect

export const toRule = (r: RuleRow): EscalationRule => ({
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
