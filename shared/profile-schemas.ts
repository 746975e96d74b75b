import { z } from 'zod'
import { isoDateTime } from './dates'
import { EMAIL_NOTIFICATION_LEVELS } from './enums'

/**
 * `PATCH /api/me`. An avatar is set by uploading one (`POST /api/me/avatar`); `avatarUrl: null` removes it.
 * `dndUntil`: Do Not Disturb until then (a time already past turns it off, as `null` does); "until I turn it
 * off" is a time far ahead (within the accepted date range).
 */
export const updateProfileSchema = z.object({
  displayName: z.string().trim().min(1, 'Your display name cannot be empty').max(80, 'At most 80 characters').optional(),
  avatarUrl: z.null().optional(),
  readReceipts: z.boolean().optional(),
  emailNotifications: z.enum(EMAIL_NOTIFICATION_LEVELS).optional(),
  notificationPreview: z.boolean().optional(),
  dndUntil: isoDateTime.transform(s => new Date(s)).nullable().optional()
}).strict().refine(p => Object.keys(p).length > 0, { message: 'change displayName, avatarUrl, readReceipts, emailNotifications, notificationPreview or dndUntil' })

export type UpdateProfileInput = z.output<typeof updateProfileSchema>

/** Largest avatar upload; it is stored as a 256 px WebP. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024
