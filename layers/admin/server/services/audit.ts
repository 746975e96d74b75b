import { and, desc, eq, inArray, type SQL } from 'drizzle-orm'
import { adminAuditQuerySchema, type AuditEntry, type AuditPerson } from '#shared/admin-schemas'
import { useDb, type DbOrTx } from '~~/server/db/client'
import { auditLog, conversations, profiles } from '~~/server/db/schema'
import { parseInput } from '~~/server/utils/errors'
import { assertAdmin } from '~~/server/services/access'
import type { Actor } from '~~/server/services/users'

/** Records an admin action; call it inside the transaction that performs the action. */
export async function recordAudit(db: DbOrTx, actor: Actor, action: string, target: { type: string, id: string }, details: Record<string, unknown> = {}) {
  await db.insert(auditLog).values({ actorId: actor.id, action, targetType: target.type, targetId: target.id, details })
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const subjectId = (details: Record<string, unknown>) =>
  typeof details.userId === 'string' && UUID.test(details.userId) ? details.userId : null

/**
 * Audit entries, newest first, with the people and conversations they name resolved for display.
 */
export async function listAuditEntries(actor: Actor, input: unknown): Promise<AuditEntry[]> {
  assertAdmin(actor)
  const query = parseInput(adminAuditQuerySchema, input)
  const db = await useDb()
  const filters: SQL[] = []
  if (query.action) filters.push(eq(auditLog.action, query.action))
  if (query.targetId) filters.push(eq(auditLog.targetId, query.targetId))
  const rows = await db.select().from(auditLog)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(query.limit)
    .offset(query.offset)

  // Two batched look-ups instead of a join per kind of target keep this one round trip per page.
  const personIds = [...new Set(rows.flatMap(r => [r.actorId, subjectId(r.details)]).filter((id): id is string => !!id))]
  const conversationIds = [...new Set(rows.filter(r => r.targetType === 'conversation' && r.targetId && UUID.test(r.targetId)).map(r => r.targetId!))]
  const [people, titles] = await Promise.all([
    personIds.length
      ? db.select({ id: profiles.id, displayName: profiles.displayName, email: profiles.email }).from(profiles).where(inArray(profiles.id, personIds))
      : [],
    conversationIds.length
      ? db.select({ id: conversations.id, title: conversations.title }).from(conversations).where(inArray(conversations.id, conversationIds))
      : []
  ])
  const personById = new Map<string, AuditPerson>(people.map(p => [p.id, p]))
  const titleById = new Map(titles.map(t => [t.id, t.title]))

  return rows.map((a) => {
    const subject = subjectId(a.details)
    return {
      id: a.id,
      action: a.action,
      targetType: a.targetType,
      targetId: a.targetId,
      targetLabel: a.targetType === 'conversation' && a.targetId ? titleById.get(a.targetId) ?? null : null,
      details: a.details,
      createdAt: a.createdAt.toISOString(),
      actor: a.actorId ? personById.get(a.actorId) ?? null : null,
      subject: subject ? personById.get(subject) ?? null : null
    }
  })
}
