import { z } from 'zod'

/** `GET /api/messages/:id/thread`: replies after `afterSeq`, oldest first, as the thread panel shows them. */
export const threadQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  afterSeq: z.coerce.number().int().min(0).default(0)
})

export type ThreadQuery = z.output<typeof threadQuerySchema>
