import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm'
import { attachments, conversations, logger, messages, recordAudit, useDb, useFileStorage, type AuditActor } from '~~/server/admin-surface'
import { RETENTION_BATCH, restoreWindowStart } from './apply'

const MAX_BATCHES = 200

export interface RetentionPurged {
  messages: number
  files: number
}

/**
 * Removes for good what retention deleted more than the restore window ago: the rows (reactions,
 * mentions, edits and reports go with them), their attachments' rows, then the stored objects and
 * thumbnails. Objects go after the commit: a failed removal leaves an orphan object, never a row
 * pointing at nothing. Audited per project and batch.
 */
export async function purgeExpiredRetention(actor: AuditActor, opts: { projectId?: string, now?: Date } = {}): Promise<RetentionPurged> {
  const now = opts.now ?? new Date()
  const db = await useDb()
  const storage = useFileStorage()
  const total: RetentionPurged = { messages: 0, files: 0 }
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const { keys, count } = await db.transaction(async (tx) => {
      const rows = await tx.select({ id: messages.id, projectId: conversations.projectId }).from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(
          isNotNull(messages.retentionDeletedAt),
          lte(messages.retentionDeletedAt, restoreWindowStart(now)),
          opts.projectId ? eq(conversations.projectId, opts.projectId) : undefined
        ))
        .limit(RETENTION_BATCH).for('update', { of: messages, skipLocked: true })
      if (!rows.length) return { keys: [], count: 0 }
      const ids = rows.map(r => r.id)
      const files = await tx.delete(attachments).where(inArray(attachments.messageId, ids))
        .returning({ id: attachments.id, messageId: attachments.messageId, storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey })
      await tx.delete(messages).where(inArray(messages.id, ids))
      const projectOf = new Map(rows.map(r => [r.id, r.projectId]))
      const perProject = new Map<string, { messages: number, files: number }>()
      for (const r of rows) {
        const p = perProject.get(r.projectId) ?? { messages: 0, files: 0 }
        p.messages++
        perProject.set(r.projectId, p)
      }
      for (const f of files) perProject.get(projectOf.get(f.messageId!)!)!.files++
      for (const [projectId, n] of [...perProject].sort(([a], [b]) => a.localeCompare(b))) {
        await recordAudit(tx, actor, 'retention.purge', { type: 'project', id: projectId }, { messages: n.messages, files: n.files })
      }
      total.files += files.length
      return { keys: files.flatMap(f => [f.storageKey, ...(f.thumbnailKey ? [f.thumbnailKey] : [])]), count: rows.length }
    })
    for (const key of keys) {
      await storage.delete(key).catch((err: unknown) => logger.warn({ err, key }, 'could not remove a purged attachment object'))
    }
    total.messages += count
    if (count < RETENTION_BATCH) break
    await yieldToLoop()
  }
  return total
}
