import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, like, lte, sql, type SQL } from 'drizzle-orm'
import type { AuditEntry, AuditPerson } from '#admin-shared/admin-schemas'
import { auditQuerySchema, type AuditFilters, type AuditLogEntry, type AuditVerifyResult } from '#admin-shared/audit-schemas'
import {
  assertAdmin, AUDIT_CHAIN_LOCK, auditLog, checkLink, conversations, entryHash, GENESIS_HASH, parseInput, profiles,
  projects, useDb, type Actor, type DbOrTx, type StoredLink
} from '~~/server/admin-surface'

export { recordAudit, systemActor, type AuditActor, type SystemActor } from '~~/server/admin-surface'

/**
 * Chains entries written before the chain existed, oldest first, after the last chained one.
 * Idempotent: only rows without a position are touched, under the append lock.
 */
export async function chainUnchainedAudit(db: DbOrTx): Promise<number> {
  let chained = 0
  for (;;) {
    const done = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`)
      const rows = await tx.select().from(auditLog).where(isNull(auditLog.chainSeq))
        .orderBy(asc(auditLog.createdAt), asc(auditLog.id)).limit(500)
      if (!rows.length) return true
      const [last] = await tx.select({ seq: auditLog.chainSeq, hash: auditLog.hash }).from(auditLog)
        .where(isNotNull(auditLog.chainSeq)).orderBy(desc(auditLog.chainSeq)).limit(1)
      let seq = last?.seq ?? 0
      let prevHash = last?.hash ?? GENESIS_HASH
      for (const row of rows) {
        seq++
        // Whole milliseconds, so the stored time reads back as the hashed one.
        const createdAt = new Date(Math.floor(row.createdAt.getTime()))
        const fields = {
          seq, prevHash, actorId: row.actorId, actorLabel: row.actorLabel, action: row.action,
          targetType: row.targetType, targetId: row.targetId, details: row.details, createdAt: createdAt.toISOString()
        }
        const hash = entryHash(fields)
        await tx.update(auditLog).set({ chainSeq: seq, prevHash, hash, createdAt }).where(eq(auditLog.id, row.id))
        prevHash = hash
      }
      chained += rows.length
      return rows.length < 500
    })
    if (done) return chained
  }
}

const VERIFY_PAGE = 500

/**
 * Walks the chain in position order, a page at a time (flat memory at any size), and names the
 * first entry whose link fails.
 */
export async function verifyAuditChain(actor: Actor): Promise<AuditVerifyResult> {
  assertAdmin(actor)
  const db = await useDb()
  let previous: { seq: number, hash: string } | null = null
  let checked = 0
  for (;;) {
    const rows = await db.select().from(auditLog)
      .where(previous ? gt(auditLog.chainSeq, previous.seq) : isNotNull(auditLog.chainSeq))
      .orderBy(asc(auditLog.chainSeq)).limit(VERIFY_PAGE)
    for (const row of rows) {
      const link: StoredLink = {
        id: row.id, seq: row.chainSeq!, prevHash: row.prevHash ?? '', hash: row.hash ?? '',
        actorId: row.actorId, actorLabel: row.actorLabel, action: row.action, targetType: row.targetType,
        targetId: row.targetId, details: row.details, createdAt: row.createdAt.toISOString()
      }
      checked++
      if (!checkLink(previous, link).ok) return { ok: false, checked, brokenAt: row.id, head: previous }
      previous = { seq: link.seq, hash: link.hash }
    }
    if (rows.length < VERIFY_PAGE) break
  }
  // A row whose position was cleared has left the chain: the walk above saw it as a gap, unless it was the last one.
  const [unchained] = await db.select({ id: auditLog.id }).from(auditLog).where(isNull(auditLog.chainSeq)).limit(1)
  if (unchained) return { ok: false, checked, brokenAt: unchained.id, head: previous }
  return { ok: true, checked, brokenAt: null, head: previous }
}

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
export async function listAuditEntries(actor: Actor, input: unknown): Promise<{ entries: AuditLogEntry[], total: number }> {
  assertAdmin(actor)
  const query = parseInput(auditQuerySchema, input)
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
