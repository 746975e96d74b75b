import { and, eq } from 'drizzle-orm'
import type { Report, ReportInput } from '#shared/report-schemas'
import { useDb } from '../../db/client'
import { reports } from '../../db/schema'
import { consumeMessageBudget } from '../../infra/rate-limit'
import { AppError } from '../../utils/errors'
import { requireMessageAccess } from '../access'
import type { Actor } from '../../domain/actor'

type ReportRow = typeof reports.$inferSelect

const toReport = (row: ReportRow): Report => ({
  id: row.id,
  messageId: row.messageId,
  reason: row.reason as Report['reason'],
  description: row.description,
  status: row.status,
  createdAt: row.createdAt.toISOString()
})

/**
 * Reports a message to the moderators. A second report of the same message by the same member,
 * while the first is open, returns the first instead of queueing it twice.
 */
export async function reportMessage(actor: Actor, messageId: string, { reason, description }: ReportInput): Promise<Report> {
  const db = await useDb()
  const { message } = await requireMessageAccess(db, actor, messageId)
  if (message.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
  if (message.senderId === actor.id) throw new AppError('VALIDATION', 'you cannot report your own message', { fields: [{ field: 'messageId', message: 'your own message' }] })
  const [open] = await db.select().from(reports)
    .where(and(eq(reports.messageId, messageId), eq(reports.reporterId, actor.id), eq(reports.status, 'pending')))
  if (open) return toReport(open)
  await consumeMessageBudget(actor.id)
  const [row] = await db.insert(reports).values({ messageId, reporterId: actor.id, reason, description: description || null }).returning()
  return toReport(row!)
}
