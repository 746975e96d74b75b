import type { DbOrTx } from '../db/client'
import { auditLog } from '../db/schema'
import type { Actor } from './users'

/** Records an admin action; call it inside the transaction that performs the action. */
export async function recordAudit(db: DbOrTx, actor: Actor, action: string, target: { type: string, id: string }, details: Record<string, unknown> = {}) {
  await db.insert(auditLog).values({ actorId: actor.id, action, targetType: target.type, targetId: target.id, details })
}
