import { z } from 'zod'
import { isoDateTime } from '#shared/dates'
import type { AuditEntry } from './admin-schemas'

/** Query strings send `?action=` for a cleared filter; treat an empty value as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

/** The filters the audit list and its export share. */
export const auditFilterShape = {
  /** One entry, e.g. the one verify named. */
  entryId: optional(z.uuid()),
  actorId: optional(z.uuid()),
  /** Exact action, or a prefix when it ends with a dot (`user.` → user.mute, user.ban…). */
  action: optional(z.string().trim().max(100)),
  targetType: optional(z.string().trim().max(50)),
  targetId: optional(z.string().trim().max(100)),
  from: optional(isoDateTime),
  to: optional(isoDateTime)
}

export const auditQuerySchema = z.object({
  ...auditFilterShape,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
})
export type AuditQuery = z.output<typeof auditQuerySchema>

export const AUDIT_EXPORT_FORMATS = ['csv', 'ndjson'] as const
export const auditExportQuerySchema = z.object({
  ...auditFilterShape,
  format: z.enum(AUDIT_EXPORT_FORMATS).default('csv'),
  /** CSV cells exactly as stored; by default a cell a spreadsheet would run as a formula gets a leading `'`. */
  csvRaw: z.preprocess(v => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean().default(false))
})
export type AuditExportQuery = z.output<typeof auditExportQuerySchema>
export type AuditFilters = Omit<AuditQuery, 'limit' | 'offset'>

/** An entry as the audit log shows it: the chain position, and a label when the system acted. */
export interface AuditLogEntry extends AuditEntry {
  seq: number | null
  /** Who acted when no profile did, e.g. "system:retention". */
  actorLabel: string | null
  hash: string | null
}

export interface AuditVerifyResult {
  ok: boolean
  checked: number
  /** The id of the first entry whose link fails. */
  brokenAt: string | null
  /**
   * The last entry checked: write its hash down somewhere else (a ticket, a notebook) and a later
   * rewrite of the whole chain, or a cut of its tail, shows as a different hash at that position.
   */
  head: { seq: number, hash: string } | null
}
