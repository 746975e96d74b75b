import { asc, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm'
import type { AuditVerifyResult } from '#admin-shared/audit-schemas'
import {
  assertAdmin, AUDIT_CHAIN_LOCK, auditLog, checkLink, entryHash, GENESIS_HASH, useDb, type Actor, type DbOrTx, type StoredLink
} from '~~/server/admin-surface'

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
