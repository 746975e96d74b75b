import { z } from 'zod'

/** `PATCH /api/me`. An avatar is set by uploading one (`POST /api/me/avatar`); `avatarUrl: null` removes it. */
export const updateProfileSchema = z.object({
  displayName: z.string().trim().min(1).max(80).optional(),
  avatarUrl: z.null().optional(),
  readReceipts: z.boolean().optional()
}).strict().refine(p => Object.keys(p).length > 0, { message: 'change displayName, avatarUrl or readReceipts' })

export type UpdateProfileInput = z.output<typeof updateProfileSchema>

/** Largest avatar upload; it is stored as a 256 px WebP. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024
