import { and, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm'
import type { Sanction } from '#shared/moderation-schemas'
import { useDb } from '../db/client'
import { userSanctions } from '../db/schema'
import type { Actor } from './users'

/** The caller's own mutes and bans in force, so the member app can say why sending is refused and until when. */
export async function listMySanctions(actor: Actor): Promise<Sanction[]> {
  const db = await useDb()
  const rows = await db.select().from(userSanctions)
    .where(and(eq(userSanctions.userId, actor.id), inArray(userSanctions.kind, ['mute', 'ban']), isNull(userSanctions.revokedAt),
      or(isNull(userSanctions.until), gt(userSanctions.until, sql`now()`))))
    .orderBy(desc(userSanctions.createdAt))
  return rows.map(r => ({
    id: r.id, kind: r.kind, projectId: r.projectId, conversationId: r.conversationId, reportId: r.reportId,
    reason: r.reason, until: r.until?.toISOString() ?? null, createdAt: r.createdAt.toISOString()
  }))
}
