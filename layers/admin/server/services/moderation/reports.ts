import { and, asc, count, desc, eq, gte, lte, ne, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { z } from 'zod'
import type {
  adminReportPatchSchema, adminReportsQuerySchema, AdminReport, AdminReportDetail, Escalation, PersonRef, ReportActionInput
} from '#shared/moderation-schemas'
import type { ReportAction, ReportStatus } from '#shared/enums'
import {
  AppError, assertAdmin, conversations, deletedTextsOf, loadMessages, messageEdits, messages, profiles,
  projects, recordAudit, reports, useDb, type Actor, type DbOrTx, type Tx
} from '~~/server/admin-surface'
import { countUpheld, escalateInTx, escalationOf } from '../escalation/escalate'
import { adminDeleteInTx } from './messages'
import { imposeInTx, sanctionEnd, sanctionsInForce, type AfterCommit } from './sanctions'

const reporter = alias(profiles, 'reporter')
const sender = alias(profiles, 'sender')

/** How many messages before and after the reported one the detail shows. */
const CONTEXT = 3
/** The sender's record looks this far back. */
const RECORD_DAYS = 30

/** The text a deleted message had, from the edit history's last delete (moderators only). */
const removedText = sql<string | null>`(select e.previous_content from ${messageEdits} e where e.message_id = ${messages.id}
  and e.kind = 'delete' order by e.edited_at desc, e.id desc limit 1)`

const person = (p: { id: string | null, displayName: string | null, email: string | null } | null): PersonRef | null =>
  p?.id ? { id: p.id, displayName: p.displayName ?? '', email: p.email ?? '' } : null

function selectReports(db: DbOrTx) {
  return db.select({
    r: reports,
    message: { id: messages.id, seq: messages.seq, content: messages.content, deletedAt: messages.deletedAt, createdAt: messages.createdAt },
    removed: removedText,
    conversation: { id: conversations.id, title: conversations.title },
    project: { id: projects.id, name: projects.name },
    sender: { id: sender.id, displayName: sender.displayName, email: sender.email },
    reporter: { id: reporter.id, displayName: reporter.displayName, email: reporter.email },
    reportCount: sql<number>`(select count(*) from ${reports} o where o.message_id = ${reports.messageId})`.mapWith(Number)
  })
    .from(reports)
    .innerJoin(messages, eq(messages.id, reports.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .innerJoin(sender, eq(sender.id, messages.senderId))
    .leftJoin(reporter, eq(reporter.id, reports.reporterId))
}

type Row = Awaited<ReturnType<ReturnType<typeof selectReports>['where']>>[number]

function toAdminReport(row: Row): AdminReport {
  const { r } = row
  return {
    id: r.id,
    status: r.status,
    source: r.source,
    reason: r.reason,
    description: r.description,
    ruleId: r.ruleId,
    action: r.action,
    resolution: r.resolution,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    reporter: person(row.reporter),
    sender: person(row.sender)!,
    conversation: row.conversation,
    project: row.project,
    message: {
      id: row.message.id,
      seq: row.message.seq,
      content: row.message.deletedAt ? row.removed ?? '' : row.message.content,
      deletedAt: row.message.deletedAt?.toISOString() ?? null,
      createdAt: row.message.createdAt.toISOString()
    },
    messageReportCount: row.reportCount
  }
}

/** The moderators' queue: reports by status, source (or automod rule), project or conversation, oldest pending first. */
export async function listReports(actor: Actor, q: z.output<typeof adminReportsQuerySchema>): Promise<{ reports: AdminReport[], total: number }> {
  assertAdmin(actor)
  const db = await useDb()
  const filters: SQL[] = []
  if (q.status) filters.push(eq(reports.status, q.status))
  if (q.source) filters.push(eq(reports.source, q.source))
  if (q.ruleId) filters.push(eq(reports.ruleId, q.ruleId))
  if (q.conversationId) filters.push(eq(messages.conversationId, q.conversationId))
  if (q.projectId) filters.push(eq(conversations.projectId, q.projectId))
  const where = filters.length ? and(...filters) : undefined
  // Waiting reports are worked oldest first; closed ones read newest first.
  const order = q.status === 'pending' ? [asc(reports.createdAt), asc(reports.id)] : [desc(reports.createdAt), desc(reports.id)]
  const [rows, [total]] = await Promise.all([
    selectReports(db).where(where).orderBy(...order).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(reports)
      .innerJoin(messages, eq(messages.id, reports.messageId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(where)
  ])
  return { reports: rows.map(toAdminReport), total: total?.n ?? 0 }
}

/** How many reports wait, for the nav badge. */
export async function countPendingReports(actor: Actor): Promise<number> {
  assertAdmin(actor)
  const db = await useDb()
  const [row] = await db.select({ n: count() }).from(reports).where(eq(reports.status, 'pending'))
  return row?.n ?? 0
}

async function loadReport(db: DbOrTx, id: string): Promise<AdminReport> {
  const [row] = await selectReports(db).where(eq(reports.id, id))
  if (!row) throw new AppError('NOT_FOUND', 'report not found')
  return toAdminReport(row)
}

/** One report with the message in context, the sender's record and any escalation it triggered. */
export async function getReport(actor: Actor, id: string): Promise<AdminReportDetail> {
  assertAdmin(actor)
  const db = await useDb()
  const report = await loadReport(db, id)
  const seq = report.message.seq
  const [context, upheldReports, sanctions, escalation] = await Promise.all([
    loadMessages(db, and(eq(messages.conversationId, report.conversation.id), gte(messages.seq, seq - CONTEXT), lte(messages.seq, seq + CONTEXT)), [asc(messages.seq)], CONTEXT * 2 + 1),
    countUpheld(db, report.sender.id, RECORD_DAYS, null),
    sanctionsInForce(db, report.sender.id),
    escalationOf(db, id)
  ])
  const removedById = await deletedTextsOf(db, context.filter(m => m.deletedAt).map(m => m.id))
  return {
    ...report,
    context: context.map(m => ({ ...m, removedContent: m.deletedAt ? removedById.get(m.id) ?? null : null })),
    senderRecord: { upheldReports, windowDays: RECORD_DAYS, sanctions },
    escalation
  }
}

type ReportRow = typeof reports.$inferSelect
const snapshot = (r: Pick<ReportRow, 'status' | 'action' | 'resolution'>) => ({ status: r.status, action: r.action, resolution: r.resolution })
const upholds = (r: Pick<ReportRow, 'status' | 'action'>) => r.status === 'resolved' && !!r.action && r.action !== 'dismissed'

/** The fields a status change sets: reviewed marks it seen, resolved closes it, pending reopens it. */
function statusFields(actor: Actor, old: ReportRow, status: ReportStatus, resolution: string | null | undefined, action: ReportAction | null) {
  const now = new Date()
  const seen = old.reviewedAt ? {} : { reviewedBy: actor.id, reviewedAt: now }
  if (status === 'pending') return { status, action: null, resolution: null, resolvedBy: null, resolvedAt: null, reviewedBy: null, reviewedAt: null }
  if (status === 'reviewed') return { status, action: null, resolvedBy: null, resolvedAt: null, ...seen, ...(resolution !== undefined ? { resolution } : {}) }
  return { status, action, resolution: resolution ?? old.resolution, resolvedBy: actor.id, resolvedAt: now, ...seen }
}

/** Moves a report through pending → reviewed → resolved (with its resolution); audited as report.update. */
export async function updateReport(actor: Actor, id: string, { status, resolution }: z.output<typeof adminReportPatchSchema>): Promise<AdminReport> {
  assertAdmin(actor)
  const db = await useDb()
  await db.transaction(async (tx) => {
    const [old] = await tx.select().from(reports).where(eq(reports.id, id)).for('update')
    if (!old) throw new AppError('NOT_FOUND', 'report not found')
    // Closing without an action keeps one already taken; a bare close is neither upheld nor dismissed.
    const [row] = await tx.update(reports).set(statusFields(actor, old, status, resolution, status === 'resolved' ? old.action : null))
      .where(eq(reports.id, id)).returning()
    await recordAudit(tx, actor, 'report.update', { type: 'report', id }, { messageId: old.messageId, before: snapshot(old), after: snapshot(row!) })
  })
  return loadReport(db, id)
}

/**
 * Acts on a report in one transaction: the action itself (delete, warn, mute, read-only, ban or
 * dismiss), the report and its siblings on the same message resolved with it, every step audited,
 * and — when this upholds the report — the escalation rules applied to the sender.
 */
export async function actOnReport(actor: Actor, id: string, data: ReportActionInput): Promise<{ report: AdminReportDetail, escalation: Escalation | null }> {
  assertAdmin(actor)
  const until = data.action === 'muted' || data.action === 'readonly' || data.action === 'banned' ? sanctionEnd(data) : null
  const db = await useDb()
  const { afterCommit, escalation } = await db.transaction(async (tx: Tx) => {
    const [old] = await tx.select().from(reports).where(eq(reports.id, id)).for('update')
    if (!old) throw new AppError('NOT_FOUND', 'report not found')
    const [target] = await tx.select({ senderId: messages.senderId, conversationId: messages.conversationId, projectId: conversations.projectId })
      .from(messages).innerJoin(conversations, eq(conversations.id, messages.conversationId)).where(eq(messages.id, old.messageId))
    if (!target) throw new AppError('NOT_FOUND', 'message not found')
    const effects: AfterCommit[] = []
    const why = data.reason ?? null
    const fromReport = { reportId: id }
    const base = { userId: target.senderId, reason: why, reportId: id }
    switch (data.action) {
      case 'dismissed': break
      case 'deleted': effects.push(await adminDeleteInTx(tx, actor, old.messageId, fromReport)); break
      case 'warned':
        effects.push((await imposeInTx(tx, actor, { ...base, kind: 'warn', reason: why ?? `a message of yours was reported (${old.reason})` })).afterCommit)
        break
      case 'muted': effects.push((await imposeInTx(tx, actor, { ...base, kind: 'mute', until })).afterCommit); break
      case 'readonly': effects.push((await imposeInTx(tx, actor, { ...base, kind: 'mute', conversationId: target.conversationId, until })).afterCommit); break
      case 'banned':
        effects.push((await imposeInTx(tx, actor, { ...base, kind: 'ban', projectId: data.banScope === 'project' ? target.projectId : null, until })).afterCommit)
        break
    }
    if (data.deleteMessage && data.action !== 'deleted') effects.push(await adminDeleteInTx(tx, actor, old.messageId, fromReport))

    const [row] = await tx.update(reports).set(statusFields(actor, old, 'resolved', data.resolution ?? null, data.action))
      .where(eq(reports.id, id)).returning()
    await recordAudit(tx, actor, 'report.update', { type: 'report', id }, { messageId: old.messageId, before: snapshot(old), after: snapshot(row!) })
    // Other open reports of the same message are settled by the same decision.
    const siblings = await tx.update(reports).set({ ...statusFields(actor, old, 'resolved', data.resolution ?? `settled with report ${id}`, data.action) })
      .where(and(eq(reports.messageId, old.messageId), ne(reports.id, id), ne(reports.status, 'resolved'))).returning({ id: reports.id })
    for (const s of siblings) {
      await recordAudit(tx, actor, 'report.update', { type: 'report', id: s.id }, { messageId: old.messageId, settledWith: id, after: { status: 'resolved', action: data.action } })
    }

    let escalation: Escalation | null = null
    if (upholds(row!) && !upholds(old)) {
      const escalated = await escalateInTx(tx, actor, { reportId: id, senderId: target.senderId, projectId: target.projectId, conversationId: target.conversationId })
      if (escalated) {
        escalation = escalated.escalation
        effects.push(escalated.afterCommit)
      }
    }
    return { escalation, afterCommit: async () => { for (const run of effects) await run() } }
  })
  await afterCommit()
  return { report: await getReport(actor, id), escalation }
}
