import { and, count, eq, gt, gte, inArray, isNull, lt, or, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client'
import { attachments, messages, profiles } from '../../db/schema'
import { deletedTextsOf } from '../messages/edits'
import type { ExportAttachment, ExportMessage } from './types'

/** Rows per round trip: large enough that the query cost is amortised, small enough that memory stays flat. */
export const EXPORT_BATCH_SIZE = 1000

export interface ExportSelection {
  /** In the order the file lists them. */
  conversationIds: readonly string[]
  from: Date | null
  to: Date | null
  includeDeleted: boolean
  /** Admins only: a deleted message's text from its deletion record. */
  includeDeletedContent?: boolean
  includeAttachments: boolean
  /** Only this thread: its root and its replies. */
  threadId?: string
  batchSize?: number
}

function filters(selection: ExportSelection): SQL[] {
  const where: SQL[] = []
  if (selection.from) where.push(gte(messages.createdAt, selection.from))
  if (selection.to) where.push(lt(messages.createdAt, selection.to))
  if (!selection.includeDeleted) where.push(isNull(messages.deletedAt))
  if (selection.threadId) where.push(or(eq(messages.id, selection.threadId), eq(messages.threadRootId, selection.threadId))!)
  return where
}

/** How many messages the selection holds: the denominator of a job's progress. */
export async function countExportRows(db: DbOrTx, selection: ExportSelection): Promise<number> {
  if (selection.conversationIds.length === 0) return 0
  const [row] = await db.select({ n: count() }).from(messages)
    .where(and(inArray(messages.conversationId, [...selection.conversationIds]), ...filters(selection)))
  return row?.n ?? 0
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

async function attachmentsOf(db: DbOrTx, ids: string[]): Promise<Map<string, ExportAttachment[]>> {
  const byMessage = new Map<string, ExportAttachment[]>()
  if (ids.length === 0) return byMessage
  const rows = await db.select({ id: attachments.id, messageId: attachments.messageId, fileName: attachments.fileName, mimeType: attachments.mimeType, sizeBytes: attachments.sizeBytes })
    .from(attachments).where(inArray(attachments.messageId, ids)).orderBy(attachments.createdAt, attachments.id)
  for (const a of rows) {
    const list = byMessage.get(a.messageId!) ?? []
    list.push({ id: a.id, fileName: a.fileName, mimeType: a.mimeType, sizeBytes: a.sizeBytes, path: `/api/attachments/${a.id}` })
    byMessage.set(a.messageId!, list)
  }
  return byMessage
}

/**
 * The selected messages in (conversation, seq) order, one batch at a time. Keyset pagination on the
 * (conversation_id, seq) unique index: each batch is one indexed range scan that starts where the
 * last one stopped, so the cost per row is constant at any depth and nothing but one batch is held.
 * The next batch is only read when the consumer asks for it, which is what gives the HTTP response
 * or file its backpressure.
 */
export async function* exportBatches(db: DbOrTx, selection: ExportSelection): AsyncGenerator<ExportMessage[]> {
  const limit = selection.batchSize ?? EXPORT_BATCH_SIZE
  const extra = filters(selection)
  for (const conversationId of selection.conversationIds) {
    let after = 0
    for (;;) {
      const rows = await db.select({
        id: messages.id, seq: messages.seq, createdAt: messages.createdAt, senderId: messages.senderId, type: messages.type,
        content: messages.content, threadRootId: messages.threadRootId, replyToId: messages.replyToId,
        editedAt: messages.editedAt, deletedAt: messages.deletedAt, deletedBy: messages.deletedBy, senderName: profiles.displayName
      }).from(messages)
        .innerJoin(profiles, eq(profiles.id, messages.senderId))
        .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, after), ...extra))
        .orderBy(messages.seq)
        .limit(limit)
      if (rows.length === 0) break
      const ids = rows.map(r => r.id)
      const [files, deletedText] = await Promise.all([
        selection.includeAttachments ? attachmentsOf(db, ids) : undefined,
        selection.includeDeletedContent ? deletedTextsOf(db, rows.filter(r => r.deletedAt).map(r => r.id)) : undefined
      ])
      yield rows.map((r): ExportMessage => ({
        conversationId,
        seq: r.seq,
        id: r.id,
        sentAt: r.createdAt.toISOString(),
        sender: { id: r.senderId, name: r.senderName },
        type: r.type,
        content: r.content,
        threadRootId: r.threadRootId,
        replyToId: r.replyToId,
        editedAt: iso(r.editedAt),
        deletedAt: iso(r.deletedAt),
        deletedBy: r.deletedBy,
        ...(deletedText ? { deletedContent: r.deletedAt ? deletedText.get(r.id) ?? null : null } : {}),
        ...(files ? { attachments: files.get(r.id) ?? [] } : {})
      }))
      if (rows.length < limit) break
      after = rows[rows.length - 1]!.seq
    }
  }
}
