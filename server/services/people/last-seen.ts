import { eq, inArray, sql } from 'drizzle-orm'
import { useDb } from '../../db/client'
import { profiles } from '../../db/schema'

/**
 * Stores when the user's last connection went (profiles.last_seen_at) and returns what is stored: never
 * moved back, as a sweep noticing a dead instance's socket late can name an earlier moment than a clean close.
 */
export async function recordLastSeen(userId: string, at: Date): Promise<Date> {
  const db = await useDb()
  const moment = sql`${at.toISOString()}::timestamptz`
  const [row] = await db.update(profiles)
    .set({ lastSeenAt: sql`greatest(coalesce(${profiles.lastSeenAt}, ${moment}), ${moment})` })
    .where(eq(profiles.id, userId))
    .returning({ lastSeenAt: profiles.lastSeenAt })
  return row?.lastSeenAt ?? at
}

/** When each of the users was last seen (absent: never). */
export async function lastSeenOf(userIds: readonly string[]): Promise<Map<string, Date>> {
  if (userIds.length === 0) return new Map()
  const db = await useDb()
  const rows = await db.select({ id: profiles.id, lastSeenAt: profiles.lastSeenAt }).from(profiles).where(inArray(profiles.id, [...userIds]))
  return new Map(rows.flatMap(r => r.lastSeenAt ? [[r.id, r.lastSeenAt] as const] : []))
}
