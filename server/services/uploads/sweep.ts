import { and, inArray, isNull, lt, sql } from 'drizzle-orm'
import { useDb } from '../../db/client'
import { attachments } from '../../db/schema'
import { logger } from '../../infra/logger'
import { useFileStorage } from '../../infra/storage'
import { getPolicyLimits } from '../moderation/policy-limits'

const BATCH = 200

/**
 * Deletes uploads never attached to a message once they are older than the unsent TTL, then their
 * files. Safe on several instances at once: each row is deleted (and returned) by exactly one of
 * them, rows another sweep holds are skipped, and a send that claims a file first keeps it.
 * Returns how many were purged.
 */
export async function purgeUnsentUploads(ttlMs = getPolicyLimits().unsentUploadTtlMs): Promise<number> {
  const db = await useDb()
  const storage = useFileStorage()
  let purged = 0
  for (;;) {
    // The database clock decides age, so instances with skewed clocks agree.
    const stale = db.select({ id: attachments.id }).from(attachments)
      .where(and(isNull(attachments.messageId), lt(attachments.createdAt, sql`now() - ${`${Math.floor(ttlMs)} milliseconds`}::interval`)))
      .limit(BATCH).for('update', { skipLocked: true })
    const removed = await db.delete(attachments)
      .where(and(inArray(attachments.id, stale), isNull(attachments.messageId)))
      .returning({ storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey })
    for (const key of removed.flatMap(r => r.thumbnailKey ? [r.storageKey, r.thumbnailKey] : [r.storageKey])) {
      // The row is gone, so the object is unreachable either way; a failed delete only leaves garbage.
      await storage.delete(key).catch((err: unknown) => logger.warn({ err, storageKey: key }, 'could not delete an unsent upload'))
    }
    purged += removed.length
    if (removed.length < BATCH) return purged
  }
}
