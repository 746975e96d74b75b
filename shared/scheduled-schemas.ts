import { z } from 'zod'
import { isoDateTime } from './dates'
import { DEFAULT_MAX_MESSAGE_LENGTH } from './limits'

/** How far ahead a message can be scheduled. */
export const SCHEDULE_MAX_AHEAD_DAYS = 120

export const SCHEDULED_STATUSES = ['pending', 'sent', 'cancelled', 'failed'] as const
export type ScheduledStatus = typeof SCHEDULED_STATUSES[number]

const sendAt = isoDateTime.transform(s => new Date(s))

export const createScheduledSchema = (max = DEFAULT_MAX_MESSAGE_LENGTH) => z.object({
  clientId: z.uuid(),
  content: z.string().trim().min(1).max(max),
  sendAt,
  threadRootId: z.uuid().optional()
})

export const updateScheduledSchema = (max = DEFAULT_MAX_MESSAGE_LENGTH) => z.object({
  content: z.string().trim().min(1).max(max).optional(),
  sendAt: sendAt.optional()
}).refine(u => u.content !== undefined || u.sendAt !== undefined, { message: 'change content or sendAt' })

export type CreateScheduledInput = z.output<ReturnType<typeof createScheduledSchema>>
export type UpdateScheduledInput = z.output<ReturnType<typeof updateScheduledSchema>>

/** A message waiting to be sent by the server, as its author sees it. */
export interface ScheduledMessage {
  id: string
  conversationId: string
  content: string
  sendAt: string
  status: ScheduledStatus
  threadRootId: string | null
  /** Once sent, the message it became. */
  messageId: string | null
  /** Why a send failed (the author left, the conversation was locked…). */
  error: string | null
}
