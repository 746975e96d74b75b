import type { SearchHit, SearchResponse } from '#shared/search-schemas'

const PAGE_SIZE = 20

/** Why a search shows no results; `unavailable` when retrying cannot help. */
export interface SearchFailure { title: string, description: string, unavailable: boolean }

function failureOf(error: unknown): SearchFailure {
  if (error instanceof ApiError && error.status === 404) {
    return { title: 'Search is not available', description: 'This server does not support message search yet.', unavailable: true }
  }
  if (error instanceof ApiError && error.code === 'VALIDATION') {
    return { title: 'Check your search', description: error.message, unavailable: false }
  }
  return { title: 'Search failed', description: describeError(error), unavailable: false }
}

interface MessageSearchOptions {
  projectId: MaybeRefOrGetter<string | null>
  /** Searching inside one conversation; null searches the project. */
  conversationId: MaybeRefOrGetter<string | undefined>
  /** A new first page arrived (not a "load more"). */
  onFirstPage?: () => void
}

/**
 * Message search for what is typed: debounced, paged with a cursor, and an answer to an older
 * query never overwrites a newer one.
 */
export function useMessageSearch(query: Ref<string>, { projectId, conversationId, onFirstPage }: MessageSearchOptions) {
  const api = useApi()
  const results = ref<SearchHit[]>([])
  const total = ref(0)
  /** The server stopped counting at `total`: there are more. */
  const totalCapped = ref(false)
  const nextCursor = ref<string | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref<SearchFailure | null>(null)
  /** The query the results are for. */
  const searched = ref('')
  let generation = 0

  async function run(q: string, cursor?: string) {
    const mine = ++generation
    if (cursor) loadingMore.value = true
    else loading.value = true
    try {
      const page = await api<SearchResponse>('/api/search', {
        query: { q, projectId: toValue(projectId) ?? undefined, conversationId: toValue(conversationId), limit: PAGE_SIZE, cursor }
      })
      if (mine !== generation) return
      results.value = cursor ? [...results.value, ...page.results] : page.results
      total.value = page.total
      totalCapped.value = page.totalCapped
      nextCursor.value = page.nextCursor
      searched.value = q
      error.value = null
      if (!cursor) onFirstPage?.()
    } catch (err) {
      if (mine !== generation) return
      error.value = failureOf(err)
      if (!cursor) results.value = []
    } finally {
      if (mine === generation) {
        loading.value = false
        loadingMore.value = false
      }
    }
  }

  const debounced = useDebounceFn((q: string) => run(q), 250)

  function reset() {
    generation++
    results.value = []
    total.value = 0
    totalCapped.value = false
    nextCursor.value = null
    searched.value = ''
    loading.value = false
    error.value = null
  }

  watch(query, (value) => {
    const q = value.trim()
    if (!q) return reset()
    loading.value = true
    void debounced(q)
  })

  /** Searches the current text again at once (a retry, or the scope changed). */
  function refresh() {
    const q = query.value.trim()
    if (q) void run(q)
  }

  function loadMore() {
    if (nextCursor.value && !loadingMore.value) void run(searched.value, nextCursor.value)
  }

  return { results, total, totalCapped, nextCursor, loading, loadingMore, error, searched, refresh, loadMore }
}
