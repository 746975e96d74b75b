import type { AdminExportQuery } from '#shared/export-schemas'
import {
  AppError, assertAdmin, conversationById, exportConversations, exportFileName, openExport, recordAudit, useDb,
  type Actor, type OpenedExport
} from '~~/server/admin-surface'

/**
 * One conversation as a streamed download (any format, deleted messages on request). The audit
 * entry is written before the first byte, so an export cut short is still on record.
 */
export async function openAdminConversationExport(actor: Actor, conversationId: string, query: AdminExportQuery): Promise<OpenedExport & { fileName: string }> {
  assertAdmin(actor)
  const db = await useDb()
  const list = await exportConversations(db, conversationById(conversationId))
  if (list.length === 0) throw new AppError('NOT_FOUND', 'conversation not found')
  const opened = openExport(db, {
    format: query.format,
    conversations: list,
    scope: { conversationId },
    from: query.from,
    to: query.to,
    includeDeleted: query.includeDeleted,
    includeDeletedContent: true,
    includeAttachments: query.includeAttachments,
    csvRaw: query.csvRaw
  })
  await db.transaction(tx => recordAudit(tx, actor, 'export.create', { type: 'conversation', id: conversationId }, {
    mode: 'download',
    scope: { conversationId },
    format: query.format,
    range: { from: opened.meta.from, to: opened.meta.to },
    includeDeleted: query.includeDeleted,
    includeAttachments: query.includeAttachments,
    csvRaw: query.csvRaw
  }))
  return { ...opened, fileName: exportFileName(list[0]!.title, opened.extension) }
}
