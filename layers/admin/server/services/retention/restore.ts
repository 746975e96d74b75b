import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm'
import type { RetentionDeletedMessage, RetentionDeletedQuery, RetentionRestoreInput } from '#admin-shared/retention-schemas'
import {
  assertAdmin, conversations, loadMessages, messages, profiles, publishToConversation, recordAudit, shownConversationTitle, useDb,
  type Actor, type DbOrTx
} from '~~/server/admin-surface'
import { inProject, MAX_BATCHES_PER_RUN, purgeTime, RETENTION_BATCH, resequence, restoreWindowStart } from './apply'
import { requireProject } from './policy'

/** Retention-deleted messages of the project still inside the restore window. */
const restorable = (db: DbOrTx, projectId: string, now: Date) =>
  and(inProject(projectId, db), isNotNull(messages.retentionDeletedAt), gt(messages.retentionDeletedAt, restoreWindowStart(now)))

/**
 * Brings retention-deleted messages back (by ids, or created in [from, to]) while the window is
 * open; they return to members with a new updatedSeq (sync) and live as message:updated, and
 * later runs leave them alone.
 */
export async function restoreRetention(actor: Actor, projectId: string, query: RetentionRestoreInput, now = new Date()): Promise<{ restored: number }> {
  assertAdmin(actor)
  const db = await useDb()
  await requireProject(db, projectId)
  const scope = and(
    restorable(db, projectId, now),
    query.ids ? inArray(messages.id, query.ids) : undefined,
    query.from ? gte(messages.createdAt, new Date(query.from)) : undefined,
    query.to ? lte(messages.createdAt, new Date(query.to)) : undefined
  )
  let restored = 0
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx.select({ id: messages.id, conversationId: messages.conversationId, seq: messages.seq }).from(messages)
        .where(scope).orderBy(asc(messages.createdAt)).limit(RETENTION_BATCH).for('update', { skipLocked: true })
      if (!rows.length) return []
      const out = await resequence(tx, rows, sql`deleted_at = null, retention_deleted_at = null, retention_restored_at = ${now.toISOString()}::timestamptz`)
      await recordAudit(tx, actor, 'retention.restore', { type: 'project', id: projectId }, {
        messages: rows.length, from: query.from ?? null, to: query.to ?? null, ids: query.ids ?? null
      })
      return out
    })
    if (done.length) {
      const loaded = await loadMessages(db, inArray(messages.id, done.map(d => d.id)), [asc(messages.seq)], done.length)
      for (const message of loaded) publishToConversation(message.conversationId, 'message:updated', { message })
    }
    restored += done.length
    if (done.length < RETENTION_BATCH) break
    await yieldToLoop()
  }
  return { restored }
}

/** The restore panel's list: newest retention deletions first, with when each is purged; a direct message is "Alice & Bob". */
export async function listRetentionDeleted(actor: Actor, projectId: string, query: RetentionDeletedQuery, now = new Date()): Promise<{ messages: RetentionDeletedMessage[], total: number }> {
  assertAdmin(actor)
  const db = await useDb()
  await requireProject(db, projectId)
  const where = restorable(db, projectId, now)
  const [rows, [totals]] = await Promise.all([
    db.select({
      id: messages.id, conversationId: messages.conversationId, conversationTitle: shownConversationTitle(), senderName: profiles.displayName,
      content: messages.content, createdAt: messages.createdAt, retentionDeletedAt: messages.retentionDeletedAt
    }).from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(profiles, eq(profiles.id, messages.senderId))
      .where(where).orderBy(desc(messages.retentionDeletedAt), desc(messages.createdAt)).limit(query.limit).offset(query.offset),
    db.select({ n: count() }).from(messages).where(where)
  ])
  return {
    total: totals?.n ?? 0,
    messages: rows.map(r => ({
      id: r.id, conversationId: r.conversationId, conversationTitle: r.conversationTitle, senderName: r.senderName,
      excerpt: r.content.slice(0, 200), createdAt: r.createdAt.toISOString(), retentionDeletedAt: r.retentionDeletedAt!.toISOString(),
      purgeAt: purgeTime(r.retentionDeletedAt!).toISOString()
    }))
  }
}
