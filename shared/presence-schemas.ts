import { z } from 'zod'
import type { PresenceStatus } from './enums'

/** Most users one `GET /api/presence` asks about. */
export const PRESENCE_QUERY_MAX_IDS = 200

/**
 * `GET /api/presence?userIds=a,b,c` (or `userIds` repeated): the presence of up to 200 users; those
 * who share no project or conversation with the caller are left out of the answer.
 */
export const presenceQuerySchema = z.object({
  userIds: z.preprocess(
    v => (Array.isArray(v) ? v : [v]).flatMap(part => typeof part === 'string' ? part.split(',') : [part]).map(id => typeof id === 'string' ? id.trim() : id).filter(id => id !== ''),
    z.array(z.uuid()).min(1).max(PRESENCE_QUERY_MAX_IDS)
  ).transform(ids => [...new Set(ids)])
})

export type PresenceQuery = z.output<typeof presenceQuerySchema>

/** One user's presence as `GET /api/presence` tells it; `lastSeenAt` null: never seen. */
export interface PresenceEntry { userId: string, status: PresenceStatus, lastSeenAt: string | null }
