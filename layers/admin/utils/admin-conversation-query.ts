import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { AdminConversationSort } from '#admin-shared/admin-schemas'

/** The URL keys that make up the conversation manager's view; a link with them reproduces it. */
const CONVERSATION_FILTER_KEYS = ['projectId', 'userId', 'status', 'type', 'q'] as const
export type ConversationFilterKey = typeof CONVERSATION_FILTER_KEYS[number]

/** Table column id → the server's sort key. */
const SORTABLE_COLUMNS: Record<string, AdminConversationSort> = {
  title: 'title',
  participantCount: 'participants',
  messageCount: 'messages',
  lastMessageAt: 'lastActivity',
  createdAt: 'created'
}
const COLUMN_OF_SORT = Object.fromEntries(Object.entries(SORTABLE_COLUMNS).map(([column, sort]) => [sort, column])) as Record<AdminConversationSort, string>

const DEFAULT_SORT: AdminConversationSort = 'lastActivity'
const DEFAULT_ORDER = 'desc'

export type ConversationListQuery = {
  projectId?: string
  userId?: string
  status?: string
  type?: string
  q?: string
  sort: AdminConversationSort
  order: 'asc' | 'desc'
  limit: number
  offset: number
}

const text = (query: LocationQuery, key: string) => {
  const value = query[key]
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** The page number in the URL (1 when absent or nonsense). */
export function pageOf(query: LocationQuery): number {
  return Math.max(1, Number.parseInt(text(query, 'page') ?? '', 10) || 1)
}

/** The API query for what the URL shows. Unknown sort keys fall back to the default. */
export function listQueryFromRoute(query: LocationQuery, pageSize: number): ConversationListQuery {
  const sort = text(query, 'sort')
  const order = text(query, 'order')
  return {
    ...Object.fromEntries(CONVERSATION_FILTER_KEYS.map(k => [k, text(query, k)]).filter(([, v]) => v !== undefined)),
    sort: sort && sort in COLUMN_OF_SORT ? sort as AdminConversationSort : DEFAULT_SORT,
    order: order === 'asc' || order === 'desc' ? order : DEFAULT_ORDER,
    limit: pageSize,
    offset: (pageOf(query) - 1) * pageSize
  }
}

/** TanStack's sorting state for the table header arrows. */
export function sortingOf(query: ConversationListQuery): { id: string, desc: boolean }[] {
  return [{ id: COLUMN_OF_SORT[query.sort], desc: query.order === 'desc' }]
}

/**
 * The URL after clicking a header: a new column sorts descending first (biggest, newest), the same
 * column flips, and the page goes back to 1. Defaults are left out so plain links stay short.
 */
export function routeForSort(query: LocationQuery, column: string, current: ConversationListQuery): LocationQueryRaw {
  const sort = SORTABLE_COLUMNS[column]
  if (!sort) return { ...query }
  const order = sort === current.sort ? (current.order === 'desc' ? 'asc' : 'desc') : (sort === 'title' ? 'asc' : 'desc')
  return {
    ...query,
    sort: sort === DEFAULT_SORT && order === DEFAULT_ORDER ? undefined : sort,
    order: sort === DEFAULT_SORT && order === DEFAULT_ORDER ? undefined : order,
    page: undefined
  }
}

/** The URL after changing one filter: empty clears it, and the page goes back to 1. */
export function routeForFilter(query: LocationQuery, key: ConversationFilterKey | 'page', value: string): LocationQueryRaw {
  return { ...query, [key]: value || undefined, ...(key !== 'page' ? { page: undefined } : {}) }
}
