import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { and, asc, count, eq, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm'
import type { MessageDeletedPayload } from '#shared/events'
import { RETENTION_RESTORE_DAYS, type RetentionPolicyInput, type RetentionPreview } from '#admin-shared/retention-schemas'
import {
  AppError, assertAdmin, attachments, conversations, logger, messages, publishToConversation, recordAudit, systemActor,
  takeSeqRange, useDb, type Actor, type AuditActor, type Db, type DbOrTx, type Tx
} from '~~/server/admin-surface'
import { retentionPolicies } from '../../db/schema'
import { loadPolicy, requireProject } from './policy'

const DAY_MS = 86_400_000
/** Rows per transaction: bounds lock time, statement size and the burst of live events. */
export const RETENTION_BATCH = 500
/** Per project and run; the next run carries on. */
export const MAX_BATCHES_PER_RUN = 200

interface RetentionRule {
  days: number
  keepPinned: boolean
}

const retentionCutoff = (days: number, now: Date) => new Date(now.getTime() - days * DAY_MS)
export const restoreWindowStart = (now: Date) => new Date(now.getTime() - RETENTION_RESTORE_DAYS * DAY_MS)
/** When the purge removes a message retention deleted at `deletedAt`. */
export const purgeTime = (deletedAt: Date) => new Date(deletedAt.getTime() + RETENTION_RESTORE_DAYS * DAY_MS)

export const inProject = (projectId: string, db: DbOrTx) =>
  inArray(messages.conversationId, db.select({ id: conversations.id }).from(conversations).where(eq(conversations.projectId, projectId)))

/**
 * The messages a run at `now` retention-deletes: visible, older than the policy, not pinned when
 * pinned ones are kept, and not brought back by an admin. The preview counts with this very clause.
 */
function retentionCandidates(db: DbOrTx, projectId: string, rule: RetentionRule, now: Date): SQL {
  return and(
    inProject(projectId, db),
    isNull(messages.deletedAt),
    isNull(messages.retentionRestoredAt),
    lt(messages.createdAt, retentionCutoff(rule.days, now)),
    rule.keepPinned ? isNull(messages.pinnedAt) : undefined
  )!
}

async function countCandidates(db: DbOrTx, where: SQL): Promise<RetentionPreview> {
  const [[m], [f]] = await Promise.all([
    db.select({ n: count() }).from(messages).where(where),
    db.select({ n: count() }).from(attachments).where(inArray(attachments.messageId, db.select({ id: messages.id }).from(messages).where(where)))
  ])
  return { messages: m?.n ?? 0, files: f?.n ?? 0 }
}

/** What the next run would retention-delete under `input` (a policy not yet saved). */
export async function previewRetention(actor: Actor, projectId: string, policy: RetentionPolicyInput, now = new Date()): Promise<RetentionPreview> {
  assertAdmin(actor)
  const db = await useDb()
  await requireProject(db, projectId)
  if (policy.days === null) return { messages: 0, files: 0 }
  return countCandidates(db, retentionCandidates(db, projectId, { days: policy.days, keepPinned: policy.keepPinned }, now))
}

/** Gives rows new updatedSeq values (grouped per conversation, in seq order) and applies `set` to them. */
export async function resequence(tx: Tx, rows: { id: string, conversationId: string, seq: number }[], set: SQL): Promise<{ id: string, conversationId: string, seq: number, updatedSeq: number }[]> {
  const byConversation = new Map<string, typeof rows>()
  for (const r of rows) byConversation.set(r.conversationId, [...(byConversation.get(r.conversationId) ?? []), r])
  const out: { id: string, conversationId: string, seq: number, updatedSeq: number }[] = []
  // Conversations in id order, so two runs never wait on each other's counters crosswise.
  for (const conversationId of [...byConversation.keys()].sort()) {
    const list = byConversation.get(conversationId)!.sort((a, b) => a.seq - b.seq)
    const first = await takeSeqRange(tx, conversationId, list.length)
    list.forEach((r, i) => out.push({ ...r, updatedSeq: first + i }))
  }
  const values = sql.join(out.map(r => sql`(${r.id}::uuid, ${r.updatedSeq}::bigint)`), sql`, `)
  await tx.execute(sql`update messages m set updated_seq = v.useq, ${set} from (values ${values}) as v(id, useq) where m.id = v.id`)
  return out
}

export interface RetentionApplied {
  messages: number
  files: number
}

/**
 * Retention-deletes what the policy says, a batch per transaction: hidden like a deletion (a new
 * updatedSeq, so sync and clients drop them), marked with the time, text kept for the restore
 * window. Each batch is audited in its transaction and announced after it commits.
 */
async function applyRetention(db: Db, projectId: string, rule: RetentionRule, actor: AuditActor, now = new Date()): Promise<RetentionApplied> {
  const total: RetentionApplied = { messages: 0, files: 0 }
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const deleted = await db.transaction(async (tx) => {
      const where = retentionCandidates(tx, projectId, rule, now)
      const rows = await tx.select({ id: messages.id, conversationId: messages.conversationId, seq: messages.seq }).from(messages)
        .where(where).orderBy(asc(messages.createdAt)).limit(RETENTION_BATCH).for('update', { skipLocked: true })
      if (!rows.length) return []
      const [files] = await tx.select({ n: count() }).from(attachments).where(inArray(attachments.messageId, rows.map(r => r.id)))
      const done = await resequence(tx, rows, sql`deleted_at = ${now.toISOString()}::timestamptz, retention_deleted_at = ${now.toISOString()}::timestamptz, deleted_by = null`)
      await recordAudit(tx, actor, 'retention.run', { type: 'project', id: projectId }, {
        days: rule.days, keepPinned: rule.keepPinned, cutoff: retentionCutoff(rule.days, now).toISOString(),
        messages: rows.length, files: files?.n ?? 0
      })
      total.files += files?.n ?? 0
      return done
    })
    for (const d of deleted) {
      const payload: MessageDeletedPayload = { conversationId: d.conversationId, messageId: d.id, seq: d.seq, updatedSeq: d.updatedSeq }
      publishToConversation(d.conversationId, 'message:deleted', payload)
    }
    total.messages += deleted.length
    if (deleted.length < RETENTION_BATCH) break
    await yieldToLoop()
  }
  return total
}

/** Applies every project's policy (the scheduled run), as the system. */
export async function applyAllPolicies(now = new Date()): Promise<RetentionApplied> {
  const db = await useDb()
  const policies = await db.select().from(retentionPolicies).where(isNotNull(retentionPolicies.days))
  const total: RetentionApplied = { messages: 0, files: 0 }
  for (const p of policies) {
    try {
      const done = await applyRetention(db, p.projectId, { days: p.days!, keepPinned: p.keepPinned }, systemActor('retention'), now)
      total.messages += done.messages
      total.files += done.files
    } catch (err) {
      logger.warn({ err, projectId: p.projectId }, 'retention run failed for a project')
    }
  }
  return total
}

/** An admin runs the project's saved policy now. */
export async function runProjectRetention(actor: Actor, projectId: string, now = new Date()): Promise<RetentionApplied> {
  assertAdmin(actor)
  const db = await useDb()
  await requireProject(db, projectId)
  const policy = await loadPolicy(db, projectId)
  if (policy.days === null) throw new AppError('VALIDATION', 'this project keeps its messages forever', { field: 'days' })
  const rule = { days: policy.days, keepPinned: policy.keepPinned }
  const done = await applyRetention(db, projectId, rule, actor, now)
  // Batches audit themselves; a run an admin asked for is on record even when it found nothing.
  if (!done.messages) {
    await db.transaction(tx => recordAudit(tx, actor, 'retention.run', { type: 'project', id: projectId }, {
      ...rule, cutoff: retentionCutoff(rule.days, now).toISOString(), messages: 0, files: 0
    }))
  }
  return done
}
