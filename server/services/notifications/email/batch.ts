import { and, eq, inArray, lte, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { useDb, type Db } from '../../../db/client'
import { conversationParticipants, conversations, messages, pendingEmailNotifications as pending, profiles, threadReads } from '../../../db/schema'
import { isBanned } from '../../../infra/auth/identity'
import { logger } from '../../../infra/logger'
import { emailLink } from '../../../infra/mail/config'
import { sendMail } from '../../../infra/mail/send'
import { readableBy } from '../../access'
import { memberConversationTitle } from '../../conversations/title'
import { getPresence } from '../../people/presence'
import { excerptOf, missedActivityEmail, type MissedItem } from './digest-email'
import { scheduleMissedActivity, type MissedActivityJob } from './queue'
import { missedActivityTiming } from './settings'
import { unsubscribeToken } from './unsubscribe'

type PendingRow = typeof pending.$inferSelect

/** Kinds each email level lets through: "mentions" means mentions and direct messages. */
const KINDS_BY_LEVEL = { all: ['mention', 'dm', 'reply'], mentions: ['mention', 'dm'], none: [] } as const

/** After this many failed sends a batch is dropped (logged), so an outage cannot pile mail up forever. */
const MAX_ATTEMPTS = 5

/**
 * Takes the user's notifications older than the delay. Deleting them with RETURNING is the claim:
 * two instances running a batch for the same user at once each get different rows.
 */
async function claimDue(db: Db, userId: string): Promise<PendingRow[]> {
  const { delayMs } = missedActivityTiming()
  return db.delete(pending)
    .where(and(eq(pending.userId, userId), lte(pending.createdAt, sql`now() - make_interval(secs => ${delayMs / 1000})`)))
    .returning()
}

/**
 * The claimed notifications still worth an email: the message exists, is not deleted, is unread
 * and still readable by the user (a project ban closes it), the user has not been online since it
 * arrived, and their email level lets its kind through.
 */
async function stillMissed(db: Db, userId: string, rows: PendingRow[]): Promise<{ items: MissedItem[], email: string, level: 'all' | 'mentions' } | null> {
  const [profile] = await db.select({
    email: profiles.email, level: profiles.emailNotifications, preview: profiles.notificationPreview, lastSeenAt: profiles.lastSeenAt
  }).from(profiles).where(eq(profiles.id, userId))
  if (!profile || profile.level === 'none') return null
  const level = profile.level
  if ((await getPresence([userId]))[userId] !== 'offline') return null
  if (await isBanned(db, userId)) return null
  const allowed: readonly string[] = KINDS_BY_LEVEL[level]
  const candidates = rows.filter(r => allowed.includes(r.kind) && !(profile.lastSeenAt && profile.lastSeenAt >= r.createdAt))
  if (!candidates.length) return null

  const sender = alias(profiles, 'sender')
  const cp = conversationParticipants
  const found = await db.select({
    id: messages.id, seq: messages.seq, type: messages.type, content: messages.content, deletedAt: messages.deletedAt,
    conversationId: messages.conversationId, conversationType: conversations.type, conversationTitle: conversations.title,
    senderName: sender.displayName,
    // A thread reply is read by the user's marker in its thread when they have one (see thread_reads).
    readSeq: sql<number>`coalesce(${threadReads.lastReadSeq}, ${cp.lastReadSeq})`.mapWith(Number)
  }).from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(sender, eq(sender.id, messages.senderId))
    .innerJoin(cp, and(eq(cp.conversationId, messages.conversationId), eq(cp.userId, userId)))
    .leftJoin(threadReads, and(eq(threadReads.userId, userId), eq(threadReads.threadRootId, messages.threadRootId)))
    .where(and(inArray(messages.id, candidates.map(r => r.messageId)), readableBy(userId, messages.conversationId)))
  const byId = new Map(found.map(m => [m.id, m]))
  const items: MissedItem[] = []
  for (const row of [...candidates].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const m = byId.get(row.messageId)
    if (!m || m.deletedAt || m.readSeq >= m.seq) continue
    items.push({
      kind: row.kind,
      conversationId: m.conversationId,
      conversationLabel: memberConversationTitle({ type: m.conversationType, title: m.conversationTitle }, { displayName: m.senderName }),
      seq: m.seq,
      senderName: m.senderName,
      excerpt: profile.preview ? excerptOf(m.content, m.type) : null
    })
  }
  return items.length ? { items, email: profile.email, level } : null
}

/**
 * The missed-activity job of one user: claims what is due, sends one email about what is still
 * missed, and makes sure a job waits for anything newer. A failed send puts the rows back and
 * tries again later; the last failure drops them.
 */
export async function sendMissedActivity({ userId, attempt }: MissedActivityJob): Promise<void> {
  const db = await useDb()
  const rows = await claimDue(db, userId)
  if (rows.length) {
    const missed = await stillMissed(db, userId, rows)
    if (missed) {
      const unsubscribeUrl = emailLink(`/api/email/unsubscribe?token=${encodeURIComponent(await unsubscribeToken(userId))}`)
      try {
        await sendMail({ to: missed.email, ...missedActivityEmail(missed.items, missed.level, unsubscribeUrl) })
      } catch (err) {
        const next = attempt + 1
        if (next >= MAX_ATTEMPTS) {
          logger.error({ err, userId, attempts: next }, 'missed-activity email failed; its notifications are dropped')
        } else {
          logger.warn({ err, userId, attempt: next }, 'missed-activity email failed; will retry')
          await db.insert(pending).values(rows).onConflictDoNothing()
          await scheduleMissedActivity(userId, next)
          return
        }
      }
    }
  }
  await scheduleMissedActivity(userId)
}

/** Users with notifications waiting for an email (recovery of jobs lost with a restart). */
export async function usersWithPending(): Promise<string[]> {
  const db = await useDb()
  const rows = await db.selectDistinct({ userId: pending.userId }).from(pending)
  return rows.map(r => r.userId)
}
