import { and, asc, count, eq, inArray, lte, sql } from 'drizzle-orm'
import {
  SCHEDULE_MAX_AHEAD_DAYS, type CreateScheduledInput, type ScheduledMessage, type UpdateScheduledInput
} from '#shared/scheduled-schemas'
import { useDb } from '../../db/client'
import { profiles, scheduledMessages } from '../../db/schema'
import { lazy } from '../../infra/lazy'
import { publishToUser } from '../../infra/realtime'
import { consumeScheduleBudget } from '../../infra/rate-limit'
import { logger } from '../../infra/logger'
import { AppError } from '../../utils/errors'
import { requireParticipant } from '../access'
import { sendMessage } from './messages'
import { getActionBudgets } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'

type ScheduledRow = typeof scheduledMessages.$inferSelect

/** Hands a scheduled message to the job queue; set by the jobs plugin at startup. */
export type ScheduleJob = (id: string, sendAt: Date) => Promise<void>
const sendQueue = lazy<ScheduleJob | null>('scheduled-send-queue', () => null)
/** The jobs plugin registers the queue at startup (null again at shutdown). */
export const setScheduledSendQueue = (next: ScheduleJob | null) => sendQueue.set(next)

const toScheduled = (row: ScheduledRow): ScheduledMessage => ({
  id: row.id,
  conversationId: row.conversationId,
  content: row.content,
  sendAt: row.sendAt.toISOString(),
  status: row.status,
  threadRootId: row.threadRootId,
  messageId: row.messageId,
  error: row.error
})

function assertSendAt(sendAt: Date) {
  const ahead = sendAt.getTime() - Date.now()
  const field = (message: string) => new AppError('VALIDATION', `sendAt: ${message}`, { fields: [{ field: 'sendAt', message }] })
  if (ahead < 0) throw field('must be in the future')
  if (ahead > SCHEDULE_MAX_AHEAD_DAYS * 86_400_000) throw field(`at most ${SCHEDULE_MAX_AHEAD_DAYS} days ahead`)
}

async function queue(row: ScheduledRow) {
  const enqueue = sendQueue()
  if (!enqueue) throw new Error('the scheduled-send queue is not running')
  await enqueue(row.id, row.sendAt)
}

function announce(row: ScheduledRow) {
  publishToUser(row.senderId, 'scheduled:updated', { scheduled: toScheduled(row) })
}

/** Schedules a message; the same clientId again returns the first one. */
export async function scheduleMessage(actor: Actor, conversationId: string, data: CreateScheduledInput): Promise<ScheduledMessage> {
  assertSendAt(data.sendAt)
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  const { pendingScheduledMax, scheduled } = getActionBudgets()
  const { row, fresh } = await db.transaction(async (tx) => {
    // The user's schedules are serialized, so parallel requests cannot pass the cap together.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`scheduled:${actor.id}`}, 0))`)
    const [existing] = await tx.select().from(scheduledMessages).where(and(eq(scheduledMessages.senderId, actor.id), eq(scheduledMessages.clientId, data.clientId)))
    if (existing) {
      if (existing.conversationId !== conversationId) throw new AppError('CONFLICT', 'clientId: already used', { fields: [{ field: 'clientId', message: 'already used' }] })
      // The same request again gets the first answer.
      return { row: existing, fresh: false }
    }
    const [pending] = await tx.select({ n: count() }).from(scheduledMessages).where(and(eq(scheduledMessages.senderId, actor.id), eq(scheduledMessages.status, 'pending')))
    // A full queue is a state to resolve (cancel one, or wait for sends), not a wait that surely ends: CONFLICT, not RATE_LIMITED.
    if ((pending?.n ?? 0) >= pendingScheduledMax) {
      throw new AppError('CONFLICT', `at most ${pendingScheduledMax} scheduled messages may wait at once; cancel one first`, { reason: 'limit', limit: pendingScheduledMax })
    }
    await consumeScheduleBudget(actor.id, scheduled)
    const [inserted] = await tx.insert(scheduledMessages).values({
      conversationId, senderId: actor.id, clientId: data.clientId, content: data.content, sendAt: data.sendAt, threadRootId: data.threadRootId ?? null
    }).returning()
    return { row: inserted!, fresh: true }
  })
  if (!fresh) return toScheduled(row)
  await queue(row)
  announce(row)
  return toScheduled(row)
}

/** The caller's scheduled messages that are still to be sent (or failed), soonest first. */
export async function listScheduled(actor: Actor): Promise<ScheduledMessage[]> {
  const db = await useDb()
  const rows = await db.select().from(scheduledMessages)
    .where(and(eq(scheduledMessages.senderId, actor.id), inArray(scheduledMessages.status, ['pending', 'failed'])))
    .orderBy(asc(scheduledMessages.sendAt))
  return rows.map(toScheduled)
}

async function ownPending(actor: Actor, id: string): Promise<ScheduledRow> {
  const db = await useDb()
  const [row] = await db.select().from(scheduledMessages).where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.senderId, actor.id)))
  // Someone else's answers like a missing one.
  if (!row) throw new AppError('NOT_FOUND', 'no such scheduled message of yours')
  if (row.status !== 'pending') throw new AppError('CONFLICT', `the message is already ${row.status}`)
  return row
}

/** Changes the text or the time of a message still waiting. */
export async function updateScheduled(actor: Actor, id: string, changes: UpdateScheduledInput): Promise<ScheduledMessage> {
  if (changes.sendAt) assertSendAt(changes.sendAt)
  await ownPending(actor, id)
  const db = await useDb()
  // Only while still pending: a send that started in between wins, and this answers CONFLICT.
  const [row] = await db.update(scheduledMessages).set({ ...changes, updatedAt: new Date() })
    .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, 'pending'))).returning()
  if (!row) throw new AppError('CONFLICT', 'the message was sent meanwhile')
  if (changes.sendAt) await queue(row)
  announce(row)
  return toScheduled(row)
}

/** Cancels a message still waiting. */
export async function cancelScheduled(actor: Actor, id: string): Promise<ScheduledMessage> {
  await ownPending(actor, id)
  const db = await useDb()
  const [row] = await db.update(scheduledMessages).set({ status: 'cancelled', updatedAt: new Date() })
    .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, 'pending'))).returning()
  if (!row) throw new AppError('CONFLICT', 'the message was sent meanwhile')
  announce(row)
  return toScheduled(row)
}

/**
 * The job: sends a due message as its author. Safe to run twice or on two instances at once: the
 * send reuses the scheduled clientId, so the second run gets the first message back. A job for a
 * time the author has since moved is a no-op (the job for the new time does the work).
 */
export async function deliverScheduled(id: string): Promise<void> {
  const db = await useDb()
  const [row] = await db.select().from(scheduledMessages).where(eq(scheduledMessages.id, id))
  if (!row || row.status !== 'pending') return
  if (row.sendAt.getTime() > Date.now() + 1000) return
  const [author] = await db.select().from(profiles).where(eq(profiles.id, row.senderId))
  if (!author) return
  const actor: Actor = { id: author.id, email: author.email, displayName: author.displayName, role: author.role, avatarUrl: author.avatarUrl, tokenExp: Number.MAX_SAFE_INTEGER }
  try {
    const { message } = await sendMessage(actor, {
      clientId: row.clientId, conversationId: row.conversationId, content: row.content, ...(row.threadRootId ? { threadRootId: row.threadRootId } : {})
    // Scheduling drew on its own budget: messages falling due together are not refused by the per-minute one.
    }, { prepaid: true })
    const [sent] = await db.update(scheduledMessages).set({ status: 'sent', messageId: message.id, updatedAt: new Date() })
      .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, 'pending'))).returning()
    if (sent) announce(sent)
  } catch (error) {
    // A refusal is final (the author left, was muted, the conversation locked): say so. Anything else,
    // a wait for slow mode included, is retried.
    if (!(error instanceof AppError) || error.code === 'INTERNAL' || error.code === 'SLOW_MODE') throw error
    const [failed] = await db.update(scheduledMessages).set({ status: 'failed', error: error.message, updatedAt: new Date() })
      .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, 'pending'))).returning()
    if (failed) announce(failed)
    logger.info({ scheduledId: id, code: error.code }, 'scheduled message refused')
  }
}

/** Every pending message, for the queue at startup: jobs lost with a restart (or Redis) come back. */
export async function pendingScheduled(before?: Date): Promise<{ id: string, sendAt: Date }[]> {
  const db = await useDb()
  return db.select({ id: scheduledMessages.id, sendAt: scheduledMessages.sendAt }).from(scheduledMessages)
    .where(and(eq(scheduledMessages.status, 'pending'), before ? lte(scheduledMessages.sendAt, before) : undefined))
}
