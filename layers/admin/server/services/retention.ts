import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm'
import type { MessageDeletedPayload } from '#shared/events'
import {
  RETENTION_RESTORE_DAYS, retentionDeletedQuerySchema, retentionPolicySchema, retentionRestoreSchema,
  type RetentionDeletedMessage, type RetentionPreview
} from '#admin-shared/retention-schemas'
import {
  AppError, assertAdmin, attachments, conversations, loadMessages, logger, messages, parseInput, profiles,
  publishToConversation, takeSeqRange, useDb, type Actor, type Db, type DbOrTx, type Tx
} from '~~/server/admin-surface'
import { retentionPolicies } from '../db/schema'
import { recordAudit, systemActor, type AuditActor } from './audit'
import { loadPolicy, requireProject } from './retention-policy'

const DAY_MS = 86_400_000
/** Rows per transaction: bounds lock time, statement size and the burst of live events. */
export const RETENTION_BATCH = 500
/** Per project and run; the next run carries on. */
const MAX_BATCHES_PER_RUN = 200

export interface RetentionRule {
  days: number
  keepPinned: boolean
}

export const retentionCutoff = (days: number, now: Date) => new Date(now.getTime() - days * DAY_MS)
export const restoreWindowStart = (now: Date) => new Date(now.getTime() - RETENTION_RESTORE_DAYS * DAY_MS)

const inProject = (projectId: string, db: DbOrTx) =>
  inArray(messages.conversationId, db.select({ id: conversations.id }).from(conversations).where(eq(conversations.projectId, projectId)))

/**
 * The messages a run at `now` retention-deletes: visible, older than the policy, not pinned when
 * pinned ones are kept, and not brought back by an admin. The preview counts with this very clause.
 */
export function retentionCandidates(db: DbOrTx, projectId: string, rule: RetentionRule, now: Date): SQL {
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
export async function previewRetention(actor: Actor, projectId: string, input: unknown, now = new Date()): Promise<RetentionPreview> {
  assertAdmin(actor)
  const policy = parseInput(retentionPolicySchema, input)
  const db = await useDb()
  await requireProject(db, projectId)
  if (policy.days === null) return { messages: 0, files: 0 }
  return countCandidates(db, retentionCandidates(db, projectId, { days: policy.days, keepPinned: policy.keepPinned }, now))
}

/** Gives rows new updatedSeq values (grouped per conversation, in seq order) and applies `set` to them. */
async function resequence(tx: Tx, rows: { id: string, conversationId: string, seq: number }[], set: SQL): Promise<{ id: string, conversationId: string, seq: number, updatedSeq: number }[]> {
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
export async function applyRetention(db: Db, projectId: string, rule: RetentionRule, actor: AuditActor, now = new Date()): Promise<RetentionApplied> {
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

/** Retention-deleted messages of the project still inside the restore window. */
const restorable = (db: DbOrTx, projectId: string, now: Date) =>
  and(inProject(projectId, db), isNotNull(messages.retentionDeletedAt), gt(messages.retentionDeletedAt, restoreWindowStart(now)))

/**
 * Brings retention-deleted messages back (by ids, or created in [from, to]) while the window is
 * open; they return to members with a new updatedSeq (sync) and live as message:updated, and
 * later runs leave them alone.
 */
export async function restoreRetention(actor: Actor, projectId: string, input: unknown, now = new Date()): Promise<{ restored: number }> {
  assertAdmin(actor)
  const query = parseInput(retentionRestoreSchema, input)
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

/** The restore panel's list: newest retention deletions first, with when each is purged. */
export async function listRetentionDeleted(actor: Actor, projectId: string, input: unknown, now = new Date()): Promise<{ messages: RetentionDeletedMessage[], total: number }> {
  assertAdmin(actor)
  const query = parseInput(retentionDeletedQuerySchema, input)
  const db = await useDb()
  await requireProject(db, projectId)
  const where = restorable(db, projectId, now)
  const [rows, [totals]] = await Promise.all([
    db.select({
      id: messages.id, conversationId: messages.conversationId, conversationTitle: conversations.title, senderName: profiles.displayName,
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
      purgeAt: new Date(r.retentionDeletedAt!.getTime() + RETENTION_RESTORE_DAYS * DAY_MS).toISOString()
    }))
  }
}
