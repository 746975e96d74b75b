import { z } from 'zod'

/** Most distinct emoji one message can carry (Slack stops at 50 too). */
export const MAX_DISTINCT_REACTIONS = 50

export const reactionEventSchema = z.object({
  messageId: z.uuid(),
  // One emoji or a :shortcode:; the server checks it names a known emoji.
  emoji: z.string().trim().min(1).max(64)
})

export type ReactionInput = z.output<typeof reactionEventSchema>
