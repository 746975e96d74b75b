import { Readable } from 'node:stream'
import { and, asc, gt, isNotNull } from 'drizzle-orm'
import { stringify } from 'csv-stringify'
import type { AuditExportQuery, AuditLogEntry } from '#admin-shared/audit-schemas'
import { assertAdmin, auditLog, csvCast, recordAudit, useDb, type Actor } from '~~/server/admin-surface'
import { auditWhere, presentAuditRows } from './entries'

const PAGE = 500

const AUDIT_CSV_COLUMNS = [
  'seq', 'id', 'createdAt', 'actorId', 'actorName', 'actorEmail', 'actorLabel', 'action', 'targetType', 'targetId',
  'targetLabel', 'subject', 'before', 'after', 'details', 'hash'
] as const

const json = (v: unknown) => v === undefined ? '' : JSON.stringify(v)

/** One entry as a flat record: before/after and the rest of the details as JSON text. */
function auditRecord(e: AuditLogEntry): Record<(typeof AUDIT_CSV_COLUMNS)[number], string | number | null> {
  const { before, after, ...rest } = e.details
  return {
    seq: e.seq, id: e.id, createdAt: e.createdAt, actorId: e.actor?.id ?? null, actorName: e.actor?.displayName ?? null,
    actorEmail: e.actor?.email ?? null, actorLabel: e.actorLabel, action: e.action, targetType: e.targetType,
    targetId: e.targetId, targetLabel: e.targetLabel, subject: e.subject?.email ?? null,
    before: json(before), after: json(after), details: json(rest), hash: e.hash
  }
}

/**
 * The filtered log, oldest first, read a page at a time along the chain position (flat memory at
 * any size). The export is recorded first, in its own transaction, so it is in the log it exports
 * when the filters match it.
 */
export async function exportAuditLog(actor: Actor, query: AuditExportQuery): Promise<{ stream: Readable, fileName: string, contentType: string }> {
  assertAdmin(actor)
  const { format, csvRaw, ...filters } = query
  const db = await useDb()
  await db.transaction(tx => recordAudit(tx, actor, 'audit.export', { type: 'audit', id: null }, { format, filters, ...(csvRaw ? { csvRaw } : {}) }))

  async function* entries(): AsyncGenerator<AuditLogEntry> {
    let after = 0
    for (;;) {
      const rows = await db.select().from(auditLog)
        .where(and(auditWhere(filters), isNotNull(auditLog.chainSeq), gt(auditLog.chainSeq, after)))
        .orderBy(asc(auditLog.chainSeq)).limit(PAGE)
      for (const entry of await presentAuditRows(db, rows)) yield entry
      if (rows.length < PAGE) return
      after = rows.at(-1)!.chainSeq!
    }
  }

  const stamp = new Date().toISOString().slice(0, 10)
  if (format === 'ndjson') {
    const lines = Readable.from((async function* () {
      for await (const e of entries()) yield `${JSON.stringify(e)}\n`
    })())
    return { stream: lines, fileName: `audit-${stamp}.ndjson`, contentType: 'application/x-ndjson; charset=utf-8' }
  }
  const csv = stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS], cast: csvCast(csvRaw) })
  const source = Readable.from((async function* () {
    for await (const e of entries()) yield auditRecord(e)
  })())
  source.on('error', err => csv.destroy(err))
  source.pipe(csv)
  return { stream: csv, fileName: `audit-${stamp}.csv`, contentType: 'text/csv; charset=utf-8' }
}
