import { eq, sql } from 'drizzle-orm'
import type { Db, DbOrTx, Tx } from '../../db/client'
import { attachments } from '../../db/schema'
import { AppError } from '../../utils/errors'
import { getPolicyLimits } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'

/** Bytes the user's uploads take up in storage, sent or not. */
async function usedBytes(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ used: sql<string | number>`coalesce(sum(${attachments.sizeBytes}), 0)` })
    .from(attachments).where(eq(attachments.uploaderId, userId))
  return Number(row?.used ?? 0)
}

const overQuota = (quotaBytes: number, usedBytesNow: number) => new AppError('PAYLOAD_TOO_LARGE', 'file: your storage quota is used up; remove unsent files or wait for them to expire', {
  reason: 'quota', quotaBytes, usedBytes: usedBytesNow, fields: [{ field: 'file', message: `storage quota of ${quotaBytes} bytes exceeded` }]
})

/** Refuses an upload early when `incomingBytes` (0 when unknown) cannot fit in what is left of the quota. */
export async function assertUploadQuota(db: DbOrTx, actor: Actor, incomingBytes: number): Promise<void> {
  const { uploadQuotaBytes } = getPolicyLimits()
  const used = await usedBytes(db, actor.id)
  if (used + Math.max(incomingBytes, 1) > uploadQuotaBytes) throw overQuota(uploadQuotaBytes, used)
}

/**
 * Records an upload only if it still fits the quota. The user's uploads are serialized by an
 * advisory lock for the check and the insert, so parallel uploads cannot overshoot together.
 */
export async function recordWithinQuota<T>(db: Db, actor: Actor, sizeBytes: number, insert: (tx: Tx) => Promise<T>): Promise<T> {
  const { uploadQuotaBytes } = getPolicyLimits()
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`upload-quota:${actor.id}`}, 0))`)
    const used = await usedBytes(tx, actor.id)
    if (used + sizeBytes > uploadQuotaBytes) throw overQuota(uploadQuotaBytes, used)
    return insert(tx)
  })
}
