import { z } from 'zod'
import { isoDateTime } from './dates'
import { REPORT_ACTIONS, REPORT_SOURCES, REPORT_STATUSES, type ReportAction, type ReportStatus, type SanctionKind } from './enums'
import type { Message } from './types'

/** Query strings send `?status=` for a cleared filter; treat an empty value as absent. */
type ReportSource = typeof REPORT_SOURCES[number]

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

const reason = z.string().trim().min(1, 'say why').max(500)
/** The longest sanction a duration may ask for: a year; longer is "until lifted". */
const MAX_MINUTES = 525_600

export const adminReportsQuerySchema = z.object({
  // `open` is the status name older clients used for `pending`.
  status: optional(z.preprocess(v => (v === 'open' ? 'pending' : v), z.enum(REPORT_STATUSES))),
  source: optional(z.enum(REPORT_SOURCES)),
  /** The automod rule that flagged the message. */
  ruleId: optional(z.uuid()),
  projectId: optional(z.uuid()),
  conversationId: optional(z.uuid()),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
})

export const adminReportPatchSchema = z.object({
  status: z.enum(REPORT_STATUSES),
  resolution: z.string().trim().max(1000).optional()
})

/** An end for a sanction: a moment, or minutes from now; neither means until lifted. */
const ending = {
  until: isoDateTime.optional(),
  durationMinutes: z.number().int().min(1).max(MAX_MINUTES).optional()
}

export const reportActionSchema = z.object({
  action: z.enum(REPORT_ACTIONS),
  /** What the user is told (warn, mute, read-only, ban). */
  reason: z.string().trim().max(500).optional(),
  /** The moderators' note kept on the report. */
  resolution: z.string().trim().max(1000).optional(),
  /** `banned`: the message's project (default) or the whole account. */
  banScope: z.enum(['project', 'account']).default('project'),
  /** Delete the message as well (e.g. mute and delete in one go). */
  deleteMessage: z.boolean().optional(),
  ...ending
})

export const muteSchema = z.object({
  reason: z.string().trim().max(500).optional(),
  /** Only this conversation: the user becomes read-only there. */
  conversationId: z.uuid().optional(),
  ...ending
})

export const unmuteQuerySchema = z.object({
  conversationId: optional(z.uuid())
})

export const warnSchema = z.object({ reason })

export const ESCALATION_ACTIONS = ['mute', 'readonly', 'ban'] as const
export type EscalationAction = typeof ESCALATION_ACTIONS[number]

export const escalationRuleSchema = z.object({
  threshold: z.number().int().min(1).max(100),
  windowDays: z.number().int().min(1).max(365),
  action: z.enum(ESCALATION_ACTIONS),
  /** Null: until lifted. */
  durationHours: z.number().int().min(1).max(8760).nullable().default(24),
  enabled: z.boolean().default(true),
  projectId: z.uuid().nullable().default(null)
})
export const escalationRulePatchSchema = escalationRuleSchema.partial()

export type ReportActionInput = z.output<typeof reportActionSchema>
export type MuteInput = z.output<typeof muteSchema>

export interface PersonRef { id: string, displayName: string, email: string }

/** A report as the moderators' queue shows it. */
export interface AdminReport {
  id: string
  status: ReportStatus
  source: ReportSource
  reason: string
  /** The member's note, or for automod the rule's name. */
  description: string | null
  ruleId: string | null
  action: ReportAction | null
  resolution: string | null
  reviewedAt: string | null
  resolvedAt: string | null
  createdAt: string
  reporter: PersonRef | null
  sender: PersonRef
  conversation: { id: string, title: string }
  project: { id: string, name: string }
  /** Content is kept even if deleted (moderators see what was removed). */
  message: { id: string, seq: number, content: string, deletedAt: string | null, createdAt: string }
  /** Reports of this message, this one included. */
  messageReportCount: number
}

/** A sanction in force (or recently ended), as moderators and the user see it. */
export interface Sanction {
  id: string
  kind: SanctionKind
  projectId: string | null
  conversationId: string | null
  reportId: string | null
  reason: string | null
  until: string | null
  createdAt: string
}

export interface Escalation {
  ruleId: string
  action: EscalationAction
  durationHours: number | null
  count: number
  windowDays: number
  reason: string
}

export interface AdminReportDetail extends AdminReport {
  /** A few messages before and after, as members saw them, plus moderators' copies of deleted text. */
  context: (Message & { removedContent: string | null })[]
  senderRecord: { upheldReports: number, windowDays: number, sanctions: Sanction[] }
  escalation: Escalation | null
}

export interface EscalationRule {
  id: string
  threshold: number
  windowDays: number
  action: EscalationAction
  durationHours: number | null
  enabled: boolean
  projectId: string | null
  createdAt: string
}

/** A live notice to a user about a sanction on them (warn, mute, read-only, ban, lifted). */
export interface ModerationNotice {
  kind: 'warn' | 'mute' | 'unmute' | 'ban' | 'unban'
  reason: string | null
  until: string | null
  conversationId: string | null
  projectId: string | null
}
