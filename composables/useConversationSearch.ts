import type { InjectionKey } from 'vue'
import type { Conversation } from '#shared/types'

type OpenSearch = (scope?: Conversation) => Promise<void>

const OPEN_SEARCH: InjectionKey<OpenSearch> = Symbol('open-search')

/** The chat layout owns the search modal; it hands its opener down to the conversation header. */
export function provideConversationSearch(open: OpenSearch) {
  provide(OPEN_SEARCH, open)
}

/** Opens the search modal, optionally scoped to one conversation; null outside the chat layout. */
export function useConversationSearch(): OpenSearch | null {
  return inject(OPEN_SEARCH, null)
}
