import { z } from 'zod'
import type { ReportStatus } from './enums'

/** Why a member reports a message; "other" wants a description. */
export const REPORT_REASONS = ['spam', 'harassment', 'hate', 'violence', 'sexual', 'misinformation', 'other'] as const
export type ReportReason = typeof REPORT_REASONS[number]

export const reportMessageSchema = z.object({
  reason: z.enum(REPORT_REASONS),
  description: z.string().trim().max(1000).optional()
}).refine(r => r.reason !== 'other' || (r.description?.length ?? 0) > 0, { path: ['description'], message: 'say what is wrong when the reason is "other"' })

export type ReportInput = z.output<typeof reportMessageSchema>

/** A member's report, as the reporter sees it. */
export interface Report {
  id: string
  messageId: string
  reason: ReportReason
  description: string | null
  status: ReportStatus
  createdAt: string
}
