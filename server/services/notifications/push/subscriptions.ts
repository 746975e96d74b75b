import { and, desc, eq, inArray } from 'drizzle-orm'
import type { PushSubscriptionInput, PushSubscriptionView } from '#shared/push-schemas'
import type { Actor } from '../../../domain/actor'
import { useDb } from '../../../db/client'
import { pushSubscriptions } from '../../../db/schema'
import { consumeBudget } from '../../../infra/rate-limit'
import { AppError } from '../../../utils/errors'
import { getActionBudgets } from '../../moderation/policy-limits'
import { getPushConfig } from './config'
import { checkPushEndpoint } from './endpoint-policy'

type Row = typeof pushSubscriptions.$inferSelect

const toView = (row: Pick<Row, 'id' | 'endpoint' | 'createdAt'>): PushSubscriptionView => ({ id: row.id, endpoint: row.endpoint, createdAt: row.createdAt.toISOString() })

const refused = (message: string) => new AppError('VALIDATION', `endpoint: ${message}`, { fields: [{ field: 'endpoint', message }] })

/**
 * Registers this device's push subscription for the actor. The endpoint must belong to an allowed
 * push service and (unless listed by hand) resolve to public addresses. An endpoint already known
 * moves to the actor with its new keys: a browser profile changed hands, or the user signed in again.
 * Beyond the per-user cap the oldest subscriptions are dropped.
 */
export async function subscribePush(actor: Actor, input: PushSubscriptionInput, userAgent?: string): Promise<PushSubscriptionView> {
  await consumeBudget('push-subscribe', actor.id, getActionBudgets().pushSubscriptions, 'too many push subscriptions, try again later')
  const verdict = await checkPushEndpoint(input.endpoint).catch(() => ({ ok: false as const, reason: 'dns' as const }))
  if (!verdict.ok) {
    throw refused(verdict.reason === 'origin' ? 'not a known push service' : verdict.reason === 'address' ? 'resolves to a private address' : 'host could not be resolved')
  }
  const db = await useDb()
  return db.transaction(async (tx) => {
    const now = new Date()
    const owner = { userId: actor.id, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null, createdAt: now, lastSuccessAt: null }
    const [row] = await tx.insert(pushSubscriptions).values({ ...owner, endpoint: input.endpoint })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: owner })
      .returning({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, createdAt: pushSubscriptions.createdAt })
    const beyondCap = await tx.select({ id: pushSubscriptions.id }).from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, actor.id))
      .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
      .offset(getPushConfig().maxPerUser)
    if (beyondCap.length > 0) await tx.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, beyondCap.map(r => r.id)))
    return toView(row!)
  })
}

/** The actor's own push subscriptions, newest first. */
export async function listPushSubscriptions(actor: Actor): Promise<PushSubscriptionView[]> {
  const db = await useDb()
  const rows = await db.select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, createdAt: pushSubscriptions.createdAt })
    .from(pushSubscriptions).where(eq(pushSubscriptions.userId, actor.id)).orderBy(desc(pushSubscriptions.createdAt))
  return rows.map(toView)
}

/** Removes one of the actor's subscriptions; someone else's, like an unknown one, is NOT_FOUND. */
export async function deletePushSubscription(actor: Actor, id: string): Promise<void> {
  const db = await useDb()
  const deleted = await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, actor.id))).returning({ id: pushSubscriptions.id })
  if (deleted.length === 0) throw new AppError('NOT_FOUND', 'no such push subscription')
}

/** The keys and endpoint a delivery needs, or null once the subscription is gone. */
export async function findPushSubscription(id: string): Promise<Row | null> {
  const db = await useDb()
  const [row] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id))
  return row ?? null
}

/** Ids of every subscription of a user. */
export async function pushSubscriptionIds(userId: string): Promise<string[]> {
  const db = await useDb()
  const rows = await db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId))
  return rows.map(r => r.id)
}

/** Forgets a subscription whose endpoint the push service no longer knows (404/410). */
export async function dropPushSubscription(id: string, endpoint: string): Promise<void> {
  const db = await useDb()
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.endpoint, endpoint)))
}

/** Notes a push the service accepted. */
export async function markPushDelivered(id: string): Promise<void> {
  const db = await useDb()
  await db.update(pushSubscriptions).set({ lastSuccessAt: new Date() }).where(eq(pushSubscriptions.id, id))
}
