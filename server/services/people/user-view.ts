import type { User, UserSummary } from '#shared/types'
import type { ProfileRow } from '../../db/schema'

/** The contract's User for a profile row (the user's own view: their notification choices included). */
export const toUser = (row: ProfileRow): User => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  avatarUrl: row.avatarUrl,
  role: row.role,
  readReceipts: row.readReceipts,
  emailNotifications: row.emailNotifications,
  notificationPreview: row.notificationPreview,
  dndUntil: row.dndUntil && row.dndUntil > new Date() ? row.dndUntil.toISOString() : null
})

/** The contract's UserSummary (what others see next to a message). */
export const toUserSummary = (row: Pick<ProfileRow, 'id' | 'displayName' | 'avatarUrl'>): UserSummary => ({
  id: row.id, displayName: row.displayName, avatarUrl: row.avatarUrl
})
