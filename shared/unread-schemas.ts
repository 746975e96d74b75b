import { z } from 'zod'

/**
 * `GET /api/unreads`: conversations with unread messages in their timeline (of one project, or all),
 * most recent first, each with its oldest `limit` unread messages.
 */
export const unreadsQuerySchema = z.object({
  // `?projectId=` (empty) means every project, like leaving it out.
  projectId: z.preprocess(v => v === '' ? undefined : v, z.uuid().optional()),
  limit: z.coerce.number().int().min(1).max(50).default(10)
})

export type UnreadsQuery = z.output<typeof unreadsQuerySchema>
