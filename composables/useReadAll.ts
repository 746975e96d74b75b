/** "Mark all as read" for a conversation (threads included) or a whole project. */
export function useReadAll() {
  const api = useApi()
  const store = useConversationsStore()

  async function conversation(conversationId: string) {
    await api<{ ok: true }>(`/api/conversations/${conversationId}/read-all`, { method: 'POST' })
    const held = store.conversations[conversationId]
    store.markRead(conversationId, held?.lastSeq ?? 0)
  }

  async function project(projectId: string) {
    await api<{ ok: true }>(`/api/projects/${projectId}/read-all`, { method: 'POST' })
    for (const c of Object.values(store.conversations)) if (c.projectId === projectId) store.markRead(c.id, c.lastSeq)
    store.setProjectUnread({ projectId, unreadCount: 0, mentionCount: 0 })
  }

  return { conversation, project }
}
