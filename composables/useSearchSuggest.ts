import type { SuggestResponse } from '#shared/search-schemas'

/** Suggestions start at this many characters (the server's minimum too). */
export const SUGGEST_MIN_CHARS = 2

const EMPTY: SuggestResponse = { people: [], conversations: [] }

/**
 * People and conversations matching what is typed, debounced; stale answers are dropped.
 * Queries with search operators (`from:`, `has:` …) get none: they are clearly message searches.
 */
export function useSearchSuggest(query: Ref<string>, projectId: MaybeRefOrGetter<string | null>) {
  const api = useApi()
  const suggestions = ref<SuggestResponse>(EMPTY)
  let generation = 0

  const fetchSuggestions = useDebounceFn(async (q: string, mine: number) => {
    try {
      const answer = await api<SuggestResponse>('/api/search/suggest', { query: { q, projectId: toValue(projectId) ?? undefined } })
      if (mine === generation) suggestions.value = answer
    } catch {
      // Suggestions are a shortcut; message search still works without them.
      if (mine === generation) suggestions.value = EMPTY
    }
  }, 200)

  watch(query, (value) => {
    const q = value.trim()
    const mine = ++generation
    if (q.length < SUGGEST_MIN_CHARS || /\b\w+:/.test(q)) {
      suggestions.value = EMPTY
      return
    }
    void fetchSuggestions(q, mine)
  })

  return { suggestions }
}
