import { z } from 'zod'
import { parseSearchQuery } from './search-query'

export const SEARCH_PAGE_DEFAULT = 20
export const SEARCH_PAGE_MAX = 50
/** `total` stops counting here; `totalCapped` says when there were more. */
export const SEARCH_TOTAL_CAP = 1000
export const SEARCH_QUERY_MAX = 500

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
  cursor: z.string().max(1000).optional()
})

export type SearchQueryInput = z.input<typeof searchQuerySchema>
export type SearchRequest = z.output<typeof searchQuerySchema>
