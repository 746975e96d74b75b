import { z } from 'zod'
import { isoDate } from './dates'

/** Every file format an export can be written in; members get the two meant for reading and keeping. */
export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'html'] as const
export type ExportFormat = typeof EXPORT_FORMATS[number]
export const MEMBER_EXPORT_FORMATS = ['json', 'html'] as const satisfies readonly ExportFormat[]

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const
export type ExportStatus = typeof EXPORT_STATUSES[number]

/** Query strings send `?from=` for a cleared field; treat an empty value as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

/** A bound of the date range: a full ISO timestamp, or a day (`2026-01-31`, read as UTC midnight), within the shared date range. */
const bound = isoDate

/** `?includeDeleted=true|false|1|0` in a query; a JSON body sends a real boolean. */
const flag = z.preprocess(v => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean().default(false))

const range = {
  from: optional(bound),
  to: optional(bound)
}

/**
 * `csvRaw`: CSV cells exactly as stored. By default a text cell starting with `=`, `+`, `-`, `@`, tab
 * or carriage return gets a leading `'` so a spreadsheet shows it instead of running it (OWASP CSV
 * injection); a data pipeline that parses the file asks for the raw text. Other formats ignore it.
 */
const csvRaw = { csvRaw: flag }

/** `to` is exclusive when it is a timestamp; a bare day includes that whole day. */
export const adminExportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('csv'),
  ...range,
  includeDeleted: flag,
  includeAttachments: flag,
  ...csvRaw
})
export type AdminExportQuery = z.output<typeof adminExportQuerySchema>

export const memberExportQuerySchema = z.object({
  format: z.enum(MEMBER_EXPORT_FORMATS).default('html'),
  ...range,
  threadId: optional(z.uuid()),
  includeAttachments: flag
})
export type MemberExportQuery = z.output<typeof memberExportQuerySchema>

export const exportScopeSchema = z.object({
  conversationId: z.uuid().optional(),
  projectId: z.uuid().optional()
}).strict().refine(s => (s.conversationId ? 1 : 0) + (s.projectId ? 1 : 0) === 1, 'scope names exactly one of conversationId or projectId')
export type ExportScope = z.output<typeof exportScopeSchema>

export const createExportSchema = z.object({
  scope: exportScopeSchema,
  format: z.enum(EXPORT_FORMATS),
  from: bound.optional(),
  to: bound.optional(),
  includeDeleted: z.boolean().default(false),
  includeAttachments: z.boolean().default(false),
  ...csvRaw
})
export type CreateExportInput = z.output<typeof createExportSchema>

export const exportListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50)
})

/** A background export as the admin UI shows it; `downloadUrl` once the file is ready. */
export interface ExportJob {
  id: string
  status: ExportStatus
  /** 0..1: rows written over rows to write. */
  progress: number
  rowsDone: number
  rowsTotal: number | null
  format: ExportFormat
  scope: ExportScope
  scopeLabel: string | null
  from: string | null
  to: string | null
  includeDeleted: boolean
  includeAttachments: boolean
  /** CSV cells exactly as stored, formulas not neutralised. */
  csvRaw: boolean
  fileName: string | null
  sizeBytes: number | null
  error: string | null
  requestedBy: { id: string, displayName: string } | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  expiresAt: string | null
  downloadUrl?: string
}
