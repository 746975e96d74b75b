import type { Readable } from 'node:stream'
import { asc, eq, type SQL } from 'drizzle-orm'
import type { ExportFormat } from '#shared/export-schemas'
import type { DbOrTx } from '../../db/client'
import { conversations } from '../../db/schema'
import { shownConversationTitle } from '../conversations/title'
import { resolveRange } from './range'
import { renderExport } from './render'
import { exportBatches, type ExportSelection } from './rows'
import type { ExportConversationInfo, ExportMeta } from './types'
import { EXPORT_WRITERS } from './writers'

/** Conversations as an export names them, in a stable order (created, then id); direct messages by their people. */
export async function exportConversations(db: DbOrTx, where: SQL): Promise<ExportConversationInfo[]> {
  const c = conversations
  const rows = await db.select({
    id: c.id, projectId: c.projectId, type: c.type, title: shownConversationTitle()
  }).from(c).where(where).orderBy(asc(c.createdAt), asc(c.id))
  return rows
}

export const conversationById = (id: string) => eq(conversations.id, id)
export const conversationsOfProject = (projectId: string) => eq(conversations.projectId, projectId)

export interface ExportRequest {
  format: ExportFormat
  conversations: ExportConversationInfo[]
  scope: ExportMeta['scope']
  from?: string | null
  to?: string | null
  includeDeleted: boolean
  includeDeletedContent?: boolean
  includeAttachments: boolean
  /** CSV cells exactly as stored (formulas not neutralised). */
  csvRaw?: boolean
  threadId?: string
  batchSize?: number
  onBatch?: (rows: number) => void | Promise<void>
}

export interface OpenedExport {
  stream: Readable
  contentType: string
  extension: string
  meta: ExportMeta
  selection: ExportSelection
}

/** The selection, its metadata and the streamed file for one export request. */
export function openExport(db: DbOrTx, request: ExportRequest): OpenedExport {
  const spec = EXPORT_WRITERS[request.format]
  const range = resolveRange(request.from, request.to)
  const selection: ExportSelection = {
    conversationIds: request.conversations.map(c => c.id),
    from: range.from,
    to: range.to,
    includeDeleted: request.includeDeleted,
    includeDeletedContent: request.includeDeleted && request.includeDeletedContent,
    includeAttachments: request.includeAttachments,
    threadId: request.threadId,
    batchSize: request.batchSize
  }
  const meta: ExportMeta = {
    exportedAt: new Date().toISOString(),
    format: request.format,
    scope: request.scope,
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
    includeDeleted: request.includeDeleted,
    includeAttachments: request.includeAttachments,
    conversations: request.conversations
  }
  const stream = renderExport(spec, meta, exportBatches(db, selection), request.onBatch, { csvRaw: request.csvRaw ?? false })
  return { stream, contentType: spec.contentType, extension: spec.extension, meta, selection }
}
