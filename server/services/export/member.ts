import { and, eq, isNull } from 'drizzle-orm'
import type { MemberExportQuery } from '#shared/export-schemas'
import { useDb } from '../../db/client'
import { messages } from '../../db/schema'
import { consumeMemberExportBudget } from '../../infra/rate-limit'
import { notVisible, requireParticipant } from '../access'
import { recordAudit } from '../audit/log'
import { conversationById, exportConversations, exportFileName, openExport } from '.'
import { getActionBudgets } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'

/**
 * A member's own copy of a conversation, or of one thread in it (JSON or HTML). Participants
 * only; deleted messages are left out entirely, so nobody gets back what someone else deleted.
 */
export async function openMemberExport(actor: Actor, conversationId: string, query: MemberExportQuery) {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  let label: string | undefined
  if (query.threadId) {
    // A thread is named by its root, which must be a live top-level message of this conversation.
    const [root] = await db.select({ id: messages.id, content: messages.content }).from(messages)
      .where(and(eq(messages.id, query.threadId), eq(messages.conversationId, conversationId), isNull(messages.threadRootId), isNull(messages.deletedAt)))
    if (!root) throw notVisible('message')
    label = `thread ${root.content.split('\n')[0]!.slice(0, 40)}`
  }
  const list = await exportConversations(db, conversationById(conversationId))
  // Each export is an entry in the admins' audit log and a full read of the history.
  await consumeMemberExportBudget(actor.id, getActionBudgets().memberExports)
  // Every export is on record, a member's own copy too (before the first byte leaves).
  await recordAudit(db, actor, 'export.create', { type: 'conversation', id: conversationId }, {
    mode: 'member', format: query.format, from: query.from ?? null, to: query.to ?? null, ...(query.threadId ? { threadId: query.threadId } : {})
  })
  const opened = openExport(db, {
    format: query.format,
    conversations: list,
    scope: { conversationId, ...(query.threadId ? { threadId: query.threadId } : {}) },
    from: query.from,
    to: query.to,
    includeDeleted: false,
    includeAttachments: query.includeAttachments,
    threadId: query.threadId
  })
  return { ...opened, fileName: exportFileName(label ?? list[0]?.title ?? 'conversation', opened.extension) }
}
