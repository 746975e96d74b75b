import { eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/client'
import { conversations } from '../db/schema'

/**
 * Takes the next value of a conversation's counter inside the caller's transaction. The row lock
 * it takes orders concurrent writers, so values commit without gaps and in counter order.
 */
export async function takeNextSeq(tx: Tx, conversationId: string, opts: { newMessage?: boolean } = {}): Promise<number> {
  const [row] = await tx.update(conversations)
    .set({ lastSeq: sql`${conversations.lastSeq} + 1`, ...(opts.newMessage ? { lastMessageAt: sql`now()` } : {}) })
    .where(eq(conversations.id, conversationId))
    .returning({ lastSeq: conversations.lastSeq })
  if (!row) throw new Error(`conversation ${conversationId} vanished mid-transaction`)
  return row.lastSeq
}

/** True when a database error is a unique violation (postgres.js and PGlite, wrapped or not). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e === 'object' && (e as { code?: unknown }).code === '23505') return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
