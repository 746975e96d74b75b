import { and, eq, sql } from 'drizzle-orm'
import type { DeliveredMarkInput, Receipt } from '#shared/receipt-schemas'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations, profiles } from '../../db/schema'
import { AppError } from '../../utils/errors'
import { notProjectBanned, requireParticipant } from '../access'
import { coalesceMarks } from './receipts-coalesce'
import { publishDelivered, sharesReceipts } from './receipts-sharing'
import type { Actor } from '../../domain/actor'

// Receipts: each participant's delivered marker (DMs; conversation_participants.delivered_seq) and read
// marker (last_read_seq, moved by reads.ts, with read_at). Who hears them: receipts-sharing.ts.

/**
 * One statement on the common path: the marker moves forward to `seq` (never past the last message)
 * only in a DM of the caller's that the project still opens to them. When nothing moved, the
 * access gate tells a stranger from a mark that came late.
 */
async function writeDelivered({ actor, conversationId, seq }: DeliveredMarkInput & { actor: Actor }): Promise<void> {
  const db = await useDb()
  const p = conversationParticipants
  const c = conversations
  const target = sql`least(${seq}::bigint, ${c.lastSeq})`
  const [moved] = await db.update(p).set({ deliveredSeq: target }).from(c)
    .where(and(eq(p.conversationId, conversationId), eq(p.userId, actor.id), eq(c.id, p.conversationId), eq(c.type, 'direct'),
      sql`${p.deliveredSeq} < ${target}`, notProjectBanned(actor.id, c.projectId)))
    .returning({ seq: p.deliveredSeq, sharing: sql<boolean>`(select ${profiles.readReceipts} from ${profiles} where ${profiles.id} = ${actor.id})` })
  if (moved) {
    publishDelivered({ conversationId, userId: actor.id, seq: moved.seq }, moved.sharing !== false)
    return
  }
  const { conversation } = await requireParticipant(db, actor, conversationId)
  if (conversation.type !== 'direct') throw new AppError('VALIDATION', 'delivery receipts are kept for direct messages')
}

const coalesced = coalesceMarks(writeDelivered)

/**
 * `delivered:mark`: the caller's devices hold a DM up to `seq`. Marks for one member and conversation
 * arriving while one is written merge into the next write.
 */
export function markDelivered(actor: Actor, input: DeliveredMarkInput): Promise<void> {
  return coalesced(`${actor.id} ${input.conversationId}`, { ...input, actor })
}

/**
 * `GET /api/conversations/:id/receipts`: the markers of the participants who share receipts — none
 * for a caller who shares none (who shares nothing sees nothing).
 */
export async function listReceipts(actor: Actor, conversationId: string): Promise<Receipt[]> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  if (!await sharesReceipts(db, actor.id)) return []
  const p = conversationParticipants
  const rows = await db.select({
    userId: p.userId,
    // What was read was delivered, in groups too, where no delivered marker is kept.
    deliveredSeq: sql<number>`greatest(${p.deliveredSeq}, ${p.lastReadSeq})`.mapWith(Number),
    readSeq: p.lastReadSeq,
    readAt: p.readAt
  }).from(p).innerJoin(profiles, eq(profiles.id, p.userId))
    .where(and(eq(p.conversationId, conversationId), eq(profiles.readReceipts, true)))
  return rows.map(r => ({ ...r, readAt: r.readAt?.toISOString() ?? null }))
}
