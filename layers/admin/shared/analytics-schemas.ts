import { z } from 'zod'
import { DATE_RANGE_MESSAGE, isInDateRange } from '#shared/dates'

/** The longest range one analytics read may cover (a leap year, inclusive). */
export const ANALYTICS_MAX_DAYS = 366
export const ANALYTICS_TOP_LIMIT = 10

const DAY = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

/** A calendar day in UTC, `YYYY-MM-DD`, that really exists (no 2026-02-30), within the shared date range. */
export const utcDay = z.string().trim().regex(DAY, 'must be a date YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}, 'must be a real calendar date').refine(isInDateRange, DATE_RANGE_MESSAGE)

/** Days between two `YYYY-MM-DD` values, inclusive of both. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1
}

/** `YYYY-MM-DD` of the UTC day `offset` days after `day`. */
export function addDays(day: string, offset: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10)
}

/** The last `days` UTC days ending today (the dashboard's presets). */
export function presetRange(days: number, now = new Date()): { from: string, to: string } {
  const to = now.toISOString().slice(0, 10)
  return { from: addDays(to, -(days - 1)), to }
}

/** Every day of the range, so days without messages still get a zero bar. */
export function eachDay(from: string, to: string): string[] {
  const n = Math.max(0, daysInclusive(from, to))
  return Array.from({ length: n }, (_, i) => addDays(from, i))
}

/** Query strings send `?x=` for a cleared filter; treat an empty value as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

/** The range a read without bounds covers: the dashboard's opening preset. */
export const ANALYTICS_DEFAULT_DAYS = 30

const range = {
  projectId: z.uuid('projectId must be a project id'),
  from: optional(utcDay),
  to: optional(utcDay)
}

type Ranged = { from: string, to: string }

/** Omitted bounds as the dashboard opens: `to` today (UTC), `from` the start of the 30 days ending at `to`. */
function withDefaultRange<T extends { from?: string, to?: string }>(v: T): Omit<T, 'from' | 'to'> & Ranged {
  const to = v.to ?? presetRange(ANALYTICS_DEFAULT_DAYS).to
  return { ...v, to, from: v.from ?? addDays(to, -(ANALYTICS_DEFAULT_DAYS - 1)) }
}

function checkRange(v: Ranged, ctx: z.RefinementCtx) {
  const days = daysInclusive(v.from, v.to)
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be on or after from' })
  else if (days > ANALYTICS_MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may cover at most ${ANALYTICS_MAX_DAYS} days` })
}

export const analyticsQuerySchema = z.object(range).transform(withDefaultRange).superRefine(checkRange)
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>

export const analyticsConversationsQuerySchema = z.object({
  ...range,
  senderId: optional(z.uuid()),
  limit: z.coerce.number().int().min(1).max(200).default(50)
}).transform(withDefaultRange).superRefine(checkRange)
export type AnalyticsConversationsQuery = z.infer<typeof analyticsConversationsQuerySchema>

/** The messages behind a figure: the range plus any of a day, a conversation, a sender or a heatmap cell. */
export const analyticsMessagesQuerySchema = z.object({
  ...range,
  day: optional(utcDay),
  conversationId: optional(z.uuid()),
  senderId: optional(z.uuid()),
  /** ISO weekday, 1 = Monday … 7 = Sunday (UTC). */
  weekday: optional(z.coerce.number().int().min(1).max(7)),
  hour: optional(z.coerce.number().int().min(0).max(23)),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: optional(z.string().max(200))
}).transform(withDefaultRange).superRefine((v, ctx) => {
  checkRange(v, ctx)
  if (v.day && (v.day < v.from || v.day > v.to)) ctx.addIssue({ code: 'custom', path: ['day'], message: 'day must lie within from and to' })
  if ((v.weekday === undefined) !== (v.hour === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.weekday === undefined ? 'weekday' : 'hour'], message: 'weekday and hour go together' })
  }
})
export type AnalyticsMessagesQuery = z.infer<typeof analyticsMessagesQuerySchema>

export interface AnalyticsDayCount { day: string, count: number }
export interface AnalyticsTopConversation { conversationId: string, title: string, count: number }
export interface AnalyticsTopSender { userId: string, displayName: string, count: number }
/** weekday 1 = Monday … 7 = Sunday, hour 0–23, both UTC. */
export interface AnalyticsHeatCell { weekday: number, hour: number, count: number }

export interface AnalyticsSummary {
  projectId: string
  from: string
  to: string
  totalMessages: number
  activeConversations: number
  activeUsers: number
  /** Null when no response fell in the range. */
  avgResponseSeconds: number | null
  medianResponseSeconds: number | null
  responses: number
  messagesByDay: AnalyticsDayCount[]
  heatmap: AnalyticsHeatCell[]
  topConversations: AnalyticsTopConversation[]
  topSenders: AnalyticsTopSender[]
  reportsOpened: number
  reportsResolved: number
  /** When the rollup was last brought up to date (this read folded the tail first). */
  asOf: string
}

export interface AnalyticsConversationRow { conversationId: string, title: string, type: string, count: number, senders: number }

export interface AnalyticsMessageRow {
  id: string
  conversationId: string
  conversationTitle: string
  seq: number
  senderId: string
  senderName: string
  content: string
  threadRootId: string | null
  deletedAt: string | null
  createdAt: string
}
