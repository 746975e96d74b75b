import type { UnreadConversation } from '#shared/types'

/** The "All unreads" view over REST: conversations with unread messages and their first unread messages. */
export function useUnreadInbox() {
  const api = useApi()
  const conversations = useConversationsStore()
  const readAll = useReadAll()

  const items = ref<UnreadConversation[]>([])
  const loading = ref(false)
  const error = ref<unknown>(null)

  async function load(projectId: string | null) {
    loading.value = true
    error.value = null
    try {
      const { conversations: list } = await api<{ conversations: UnreadConversation[] }>('/api/unreads', { query: { projectId: projectId ?? undefined } })
      items.value = list
      for (const item of list) conversations.upsertConversation(item.conversation)
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }

  /** Marks one conversation read and takes it off the list. */
  async function markRead(conversationId: string) {
    await readAll.conversation(conversationId)
    items.value = items.value.filter(i => i.conversation.id !== conversationId)
  }

  return { items, loading, error, load, markRead }
}
