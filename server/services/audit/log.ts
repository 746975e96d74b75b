import { desc, isNotNull, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client'
import { auditLog } from '../../db/schema'
import { entryHash, GENESIS_HASH, toJson } from './chain'
import type { Actor } from '../../domain/actor'

/** An automatic action: no profile acted, a label says what did. */
export interface SystemActor {
  system: string
}
export type AuditActor = Pick<Actor, 'id'> | SystemActor | null

export const systemActor = (name: string): SystemActor => ({ system: `system:${name}` })

/** One key for every append, so appends from every instance and transaction take turns. */
export const AUDIT_CHAIN_LOCK = 727_275

/**
 * Records an admin (or system, or member export) action; call it inside the transaction that performs the action. The entry is
 * chained to the last one: the advisory lock (held until the caller commits) orders appends from
 * every instance, and the last entry is read only once it is held, so each links to the one before.
 */
export async function recordAudit(db: DbOrTx, actor: AuditActor, action: string, target: { type: string, id: string | null }, details: Record<string, unknown> = {}) {
  // A savepoint inside the caller's transaction, or a transaction of its own when given the pool.
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`)
    const [last] = await tx.select({ seq: auditLog.chainSeq, hash: auditLog.hash }).from(auditLog)
      .where(isNotNull(auditLog.chainSeq)).orderBy(desc(auditLog.chainSeq)).limit(1)
    const fields = {
      seq: (last?.seq ?? 0) + 1,
      prevHash: last?.hash ?? GENESIS_HASH,
      actorId: actor && 'id' in actor ? actor.id : null,
      actorLabel: actor && 'system' in actor ? actor.system : null,
      action,
      targetType: target.type,
      targetId: target.id,
      // Stored as hashed: what jsonb keeps of the value (no undefined, dates as strings).
      details: toJson(details) ?? {},
      // Set here, at millisecond precision, so the hashed time is exactly the stored one.
      createdAt: new Date().toISOString()
    }
    await tx.insert(auditLog).values({
      ...fields,
      chainSeq: fields.seq,
      details: fields.details as Record<string, unknown>,
      createdAt: new Date(fields.createdAt),
      hash: entryHash(fields)
    })
  })
}
