import { z } from 'zod'

/** `delivered:mark`: this member's devices hold a DM's messages up to `seq` (batched by the client, at most once a second). */
export const deliveredMarkEventSchema = z.object({
  conversationId: z.uuid(),
  seq: z.number().int().min(0)
})

export type DeliveredMarkInput = z.output<typeof deliveredMarkEventSchema>

/** One participant's receipts in a conversation (`GET /api/conversations/:id/receipts`). */
export interface Receipt {
  userId: string
  /** The newest seq their devices received (DMs); never below readSeq. */
  deliveredSeq: number
  readSeq: number
  /** When their read marker last moved; null until it has. */
  readAt: string | null
}

export interface ReceiptsResponse { receipts: Receipt[] }

/** `delivered:update`, told to a DM's participants who share receipts. */
export interface DeliveredUpdatePayload { conversationId: string, userId: string, seq: number }
