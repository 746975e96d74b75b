import { z } from 'zod'
import { parseSearchQuery } from './search-query'
import type { ConversationType, Message, UserSummary } from './types'

export const SEARCH_PAGE_DEFAULT = 20
const SEARCH_PAGE_MAX = 50
/** `total` stops counting here; `totalCapped` says when there were more. */
export const SEARCH_TOTAL_CAP = 1000
const SEARCH_QUERY_MAX = 500

/** Where a search page ended: the last result's rank, creation time (Postgres text, to the microsecond) and id. */
export interface SearchCursor { rank: string, createdAt: string, id: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const BASE64URL = /^[\w-]+={0,2}$/
const DECIMAL = /^\d{1,20}(\.\d{1,20})?(e[+-]?\d{1,3})?$/i
/** Postgres' ISO text form of a timestamptz, split into the parts that need range checks. */
const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/

/** A rank Postgres can read back as `real`: zero or a normal float4 (it refuses overflow and underflow). */
function isRealRank(text: string): boolean {
  const n = Number(text)
  return DECIMAL.test(text) && Number.isFinite(n) && (n === 0 || (n >= 1e-37 && n <= 1e38))
}

/** A timestamp whose every field is in range, so the database never sees an impossible date. */
function isPgTimestamp(text: string): boolean {
  const m = PG_TIMESTAMP.exec(text)
  if (!m) return false
  const [year, month, day, hour, minute, second, , , offHours, offMinutes, offSeconds] = [...m.slice(1)].map(Number)
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate()
  return year! >= 1 && month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth
    && hour! <= 23 && minute! <= 59 && second! <= 59
    && offHours! <= 15 && (Number.isNaN(offMinutes) || offMinutes! <= 59) && (Number.isNaN(offSeconds) || offSeconds! <= 59)
}

/** The cursor a search page handed out, or null for anything else (never throws). */
function decodeSearchCursor(value: string): SearchCursor | null {
  if (!BASE64URL.test(value)) return null
  let parsed: unknown
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''))
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, c => c.charCodeAt(0))))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every(p => typeof p === 'string')) return null
  const [rank, createdAt, id] = parsed as [string, string, string]
  return isRealRank(rank) && isPgTimestamp(createdAt) && UUID.test(id) ? { rank, createdAt, id } : null
}

/** `GET /api/search` query: `q` arrives parsed into words, phrases and filters. */
export const searchQuerySchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(SEARCH_QUERY_MAX, `q must be at most ${SEARCH_QUERY_MAX} characters`)
    .transform((value, ctx) => {
      const parsed = parseSearchQuery(value)
      if (parsed.ok) return parsed.query
      ctx.addIssue({ code: 'custom', message: parsed.error })
      return z.NEVER
    }),
  projectId: z.uuid().optional(),
  conversationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(SEARCH_PAGE_DEFAULT),
  cursor: z.string().max(1000).transform((value, ctx) => {
    const cursor = decodeSearchCursor(value)
    if (cursor) return cursor
    ctx.addIssue({ code: 'custom', message: 'invalid cursor' })
    return z.NEVER
  }).optional()
})

export type SearchRequest = z.output<typeof searchQuerySchema>

/** One `GET /api/search` hit: the message and its text as escaped HTML with matches in `<mark>`. */
export interface SearchHit { message: Message, highlight: string }

/** The `GET /api/search` answer, best match first; `nextCursor` is null on the last page. */
export interface SearchResponse { results: SearchHit[], total: number, totalCapped: boolean, nextCursor: string | null }

/** `GET /api/search/suggest`: people and conversations for what is typed, from two characters. */
export const suggestQuerySchema = z.object({
  q: z.string().trim().min(2, 'type at least two characters').max(100),
  projectId: z.uuid().optional()
})

export type SuggestQuery = z.output<typeof suggestQuerySchema>

export interface SuggestResponse {
  people: UserSummary[]
  conversations: { id: string, projectId: string, title: string, type: ConversationType }[]
}
