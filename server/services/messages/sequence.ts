import { sql, type SQL } from 'drizzle-orm'
import { rowsOf, type Tx } from '../../db/client'

// Where a conversation's counter moves (new messages, and every later change to one); the group
// commit's batch statement (plain-insert.ts) advances it by a batch's count in the same way.
// Each value is taken under the conversation row's lock, which orders concurrent writers, so values
// commit without gaps and in counter order.

/**
 * The statement that advances a conversation's counter by `count` and returns `last_seq`, the last
 * value taken; a new message also stamps `last_message_at`. Run alone (takeSeqRange) or as the
 * first step of a larger statement (insertMessage).
 */
export function advanceSeq(conversationId: string, { count = 1, newMessage = false }: { count?: number, newMessage?: boolean } = {}): SQL {
  const stamp = newMessage ? sql`, last_message_at = now()` : sql``
  return sql`update conversations set last_seq = last_seq + ${count}${stamp} where id = ${conversationId} returning last_seq`
}

/** Takes `count` consecutive values of the counter inside the caller's transaction; returns the first. */
export async function takeSeqRange(tx: Tx, conversationId: string, count: number, opts: { newMessage?: boolean } = {}): Promise<number> {
  const [row] = rowsOf<{ last_seq: string | number }>(await tx.execute(advanceSeq(conversationId, { count, ...opts })))
  if (!row) throw new Error(`conversation ${conversationId} vanished mid-transaction`)
  return Number(row.last_seq) - count + 1
}

/** Takes the next value of the counter inside the caller's transaction. */
export function takeNextSeq(tx: Tx, conversationId: string, opts: { newMessage?: boolean } = {}): Promise<number> {
  return takeSeqRange(tx, conversationId, 1, opts)
}

/** True when a database error is a unique violation (postgres.js and PGlite, wrapped or not). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e === 'object' && (e as { code?: unknown }).code === '23505') return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
