import type { ThreadInboxItem } from '#shared/types'

/** The "Threads" view over REST: the member's threads in a project, and reading one. */
export function useThreadInbox() {
  const api = useApi()
  const store = useThreadInboxStore()

  async function load(projectId: string) {
    store.setLoading(projectId)
    try {
      const { threads } = await api<{ threads: ThreadInboxItem[] }>('/api/threads', { query: { projectId } })
      store.setThreads(projectId, threads)
    } catch (error) {
      store.state = 'idle'
      throw error
    }
  }

  /** Opening a thread reads it: its badge clears here and on the member's other devices. */
  async function markRead(rootId: string) {
    store.markRead(rootId)
    await api<{ ok: true }>(`/api/threads/${rootId}/read`, { method: 'POST' })
  }

  return { load, markRead }
}
