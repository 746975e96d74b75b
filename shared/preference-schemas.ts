import { z } from 'zod'
import { isoDateTime } from './dates'
import { NOTIFICATION_LEVELS } from './enums'

/** `PATCH /api/conversations/:id/preferences`: the caller's own notification choices. */
export const updatePreferencesSchema = z.object({
  notificationLevel: z.enum(NOTIFICATION_LEVELS).optional(),
  mutedUntil: isoDateTime.transform(s => new Date(s)).nullable().optional()
}).strict().refine(p => p.notificationLevel !== undefined || p.mutedUntil !== undefined, { message: 'change notificationLevel or mutedUntil' })

export type UpdatePreferencesInput = z.output<typeof updatePreferencesSchema>
