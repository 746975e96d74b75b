import type { Conversation, Message, Project } from '#shared/types'

/** How many conversations keep their newest page on the device. */
export const CACHED_CONVERSATIONS = 10

/** The newest page of one conversation, as last read, for opening it without a network. */
export interface CachedPage {
  conversationId: string
  userId: string
  messages: Message[]
  hasMore: boolean
  /** When it was written (ms since epoch): the least recently opened ones are dropped first. */
  savedAt: number
}

/** The sidebar as last shown: the member's projects, the one selected and its conversations. */
export interface CachedSidebar {
  userId: string
  projects: Project[]
  projectId: string | null
  conversations: Conversation[]
  savedAt: number
}

/** The conversations whose cached page to drop so that only the `keep` most recently saved ones stay. */
export function pagesToEvict(pages: readonly Pick<CachedPage, 'conversationId' | 'savedAt'>[], keep = CACHED_CONVERSATIONS): string[] {
  return [...pages].sort((a, b) => b.savedAt - a.savedAt).slice(keep).map(p => p.conversationId)
}

/**
 * The page to keep for a conversation: its newest `limit` confirmed messages in seq order (local
 * copies live in the outbox, not here), as plain data.
 */
export function cacheablePage(messages: readonly Message[], limit: number): Message[] {
  const confirmed = messages.filter(m => m.seq > 0).sort((a, b) => a.seq - b.seq).slice(-limit)
  return JSON.parse(JSON.stringify(confirmed)) as Message[]
}
