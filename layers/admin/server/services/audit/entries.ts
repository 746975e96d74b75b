import { and, count, desc, eq, gte, inArray, like, lte, type SQL } from 'drizzle-orm'
import type { AuditEntry, AuditPerson } from '#admin-shared/admin-schemas'
import type { AuditFilters, AuditLogEntry, AuditQuery } from '#admin-shared/audit-schemas'
import { assertAdmin, auditLog, conversations, profiles, projects, useDb, type Actor, type DbOrTx } from '~~/server/admin-surface'

/** The WHERE clause of the list and the export. */
export function auditWhere(filters: AuditFilters): SQL | undefined {
  const where: SQL[] = []
  if (filters.entryId) where.push(eq(auditLog.id, filters.entryId))
  if (filters.actorId) where.push(eq(auditLog.actorId, filters.actorId))
  if (filters.action) {
    where.push(filters.action.endsWith('.') ? like(auditLog.action, `${filters.action.replace(/[\\%_]/g, '\\$&')}%`) : eq(auditLog.action, filters.action))
  }
  if (filters.targetType) where.push(eq(auditLog.targetType, filters.targetType))
  if (filters.targetId) where.push(eq(auditLog.targetId, filters.targetId))
  if (filters.from) where.push(gte(auditLog.createdAt, new Date(filters.from)))
  if (filters.to) where.push(lte(auditLog.createdAt, new Date(filters.to)))
  return where.length ? and(...where) : undefined
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const subjectId = (details: Record<string, unknown>) =>
  typeof details.userId === 'string' && UUID.test(details.userId) ? details.userId : null

type AuditRow = typeof auditLog.$inferSelect

/** Resolves the people and conversations a page of entries names, in two batched look-ups. */
export async function presentAuditRows(db: DbOrTx, rows: AuditRow[]): Promise<AuditLogEntry[]> {
  const personIds = [...new Set(rows.flatMap(r => [r.actorId, subjectId(r.details)]).filter((id): id is string => !!id))]
  const conversationIds = [...new Set(rows.filter(r => r.targetType === 'conversation' && r.targetId && UUID.test(r.targetId)).map(r => r.targetId!))]
  const projectIds = [...new Set(rows.filter(r => r.targetType === 'project' && r.targetId && UUID.test(r.targetId)).map(r => r.targetId!))]
  const [people, titles, projectNames] = await Promise.all([
    personIds.length
      ? db.select({ id: profiles.id, displayName: profiles.displayName, email: profiles.email }).from(profiles).where(inArray(profiles.id, personIds))
      : [],
    conversationIds.length
      ? db.select({ id: conversations.id, title: conversations.title }).from(conversations).where(inArray(conversations.id, conversationIds))
      : [],
    projectIds.length
      ? db.select({ id: projects.id, title: projects.name }).from(projects).where(inArray(projects.id, projectIds))
      : []
  ])
  const personById = new Map<string, AuditPerson>(people.map(p => [p.id, p]))
  const titleById = new Map([...titles, ...projectNames].map(t => [t.id, t.title]))

  return rows.map((a) => {
    const subject = subjectId(a.details)
    const entry: AuditEntry = {
      id: a.id,
      action: a.action,
      targetType: a.targetType,
      targetId: a.targetId,
      targetLabel: (a.targetType === 'conversation' || a.targetType === 'project') && a.targetId ? titleById.get(a.targetId) ?? null : null,
      details: a.details,
      createdAt: a.createdAt.toISOString(),
      actor: a.actorId ? personById.get(a.actorId) ?? null : null,
      subject: subject ? personById.get(subject) ?? null : null
    }
    return { ...entry, seq: a.chainSeq, actorLabel: a.actorLabel, hash: a.hash }
  })
}

/**
 * Audit entries, newest first, filtered and paged, with the people and conversations they name
 * resolved for display, and the number of entries the filters match.
 */
export async function listAuditEntries(actor: Actor, query: AuditQuery): Promise<{ entries: AuditLogEntry[], total: number }> {
  assertAdmin(actor)
  const db = await useDb()
  const where = auditWhere(query)
  const [rows, [totals]] = await Promise.all([
    db.select().from(auditLog).where(where)
      .orderBy(desc(auditLog.createdAt), desc(auditLog.chainSeq), desc(auditLog.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(auditLog).where(where)
  ])
  return { entries: await presentAuditRows(db, rows), total: totals?.total ?? 0 }
}
