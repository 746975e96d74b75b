import { z } from 'zod'
import { DEFAULT_MAX_MESSAGE_LENGTH } from './limits'

/** `PUT /api/conversations/:id/draft`: empty or blank text removes the draft. */
export const saveDraftSchema = (max = DEFAULT_MAX_MESSAGE_LENGTH) => z.object({ content: z.string().max(max) })

export type SaveDraftInput = z.output<ReturnType<typeof saveDraftSchema>>

/** A member's unsent text in one conversation. */
export interface Draft {
  content: string
  updatedAt: string
}
