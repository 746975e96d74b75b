import { z } from 'zod'

/** `GET /api/messages/:id/thread`: replies after `afterSeq`, oldest first, as the thread panel shows them. */
export const threadQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  afterSeq: z.coerce.number().int().min(0).default(0)
})

export type ThreadQuery = z.output<typeof threadQuerySchema>

/** `GET /api/threads`: the caller's threads (started or replied in), of one project or all, newest reply first. */
export const threadsQuerySchema = z.object({
  // `?projectId=` (empty) means every project, like leaving it out.
  projectId: z.preprocess(v => v === '' ? undefined : v, z.uuid().optional()),
  limit: z.coerce.number().int().min(1).max(100).default(50)
})

/** `POST /api/threads/:rootId/read`: read up to `seq` (default: the newest reply). */
export const threadReadBodySchema = z.object({ seq: z.coerce.number().int().min(0).optional() })

/** `:rootId` of the thread routes (a reply's id names its thread). */
export const threadParamsSchema = z.object({ rootId: z.uuid() })

export type ThreadsQuery = z.output<typeof threadsQuerySchema>
