import { asc, ilike, or } from 'drizzle-orm'
import type { AdminUser, AdminUsersQuery } from '#admin-shared/admin-schemas'
import { assertAdmin, profiles, useDb, type Actor } from '~~/server/admin-surface'
import { likePattern } from '../conversations/conversations'

/** Users matching `q` on name or email, for the admin's "add participant" picker. */
export async function adminSearchUsers(actor: Actor, { q, limit }: AdminUsersQuery): Promise<AdminUser[]> {
  assertAdmin(actor)
  const db = await useDb()
  const pattern = q ? likePattern(q) : undefined
  return db.select({
    id: profiles.id,
    email: profiles.email,
    displayName: profiles.displayName,
    avatarUrl: profiles.avatarUrl,
    role: profiles.role
  })
    .from(profiles)
    .where(pattern ? or(ilike(profiles.displayName, pattern), ilike(profiles.email, pattern)) : undefined)
    .orderBy(asc(profiles.displayName), asc(profiles.email))
    .limit(limit)
}
