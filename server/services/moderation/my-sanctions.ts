import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Sanction } from '#shared/moderation-schemas'
import { useDb } from '../../db/client'
import { sanctionInForce } from '../../db/sanctions'
import { userSanctions } from '../../db/schema'
import type { Actor } from '../../domain/actor'

/** The caller's own mutes and bans in force, so the member app can say why sending is refused and until when. */
export async function listMySanctions(actor: Actor): Promise<Sanction[]> {
  const db = await useDb()
  const rows = await db.select().from(userSanctions)
    .where(and(eq(userSanctions.userId, actor.id), inArray(userSanctions.kind, ['mute', 'ban']), sanctionInForce()))
    .orderBy(desc(userSanctions.createdAt))
  return rows.map(r => ({
    id: r.id, kind: r.kind, projectId: r.projectId, conversationId: r.conversationId, reportId: r.reportId,
    reason: r.reason, until: r.until?.toISOString() ?? null, createdAt: r.createdAt.toISOString()
  }))
}
