import type { ScheduledMessage } from '#shared/scheduled-schemas'

/** Scheduling messages for later over REST; scheduled:updated keeps the list current. */
export function useScheduled() {
  const api = useApi()
  const store = useScheduledStore()
  const toast = useToast()

  async function load(force = false) {
    if (store.loaded && !force) return
    const { scheduled } = await api<{ scheduled: ScheduledMessage[] }>('/api/scheduled')
    store.setAll(scheduled)
  }

  async function run(title: string, call: () => Promise<{ scheduled: ScheduledMessage }>): Promise<ScheduledMessage | null> {
    try {
      const { scheduled } = await call()
      store.upsert(scheduled)
      return scheduled
    } catch (error) {
      toast.add({ title, description: describeError(error), color: 'error', icon: 'i-lucide-calendar-x' })
      return null
    }
  }

  function schedule(conversationId: string, content: string, sendAt: Date, threadRootId?: string) {
    return run('Could not schedule the message', () => api(`/api/conversations/${conversationId}/scheduled`, {
      method: 'POST',
      body: { clientId: crypto.randomUUID(), content, sendAt: sendAt.toISOString(), ...(threadRootId ? { threadRootId } : {}) }
    }))
  }

  function update(id: string, changes: { content?: string, sendAt?: Date }) {
    return run('Could not change the scheduled message', () => api(`/api/scheduled/${id}`, {
      method: 'PATCH',
      body: { ...(changes.content !== undefined ? { content: changes.content } : {}), ...(changes.sendAt ? { sendAt: changes.sendAt.toISOString() } : {}) }
    }))
  }

  function cancel(id: string) {
    return run('Could not cancel the scheduled message', () => api(`/api/scheduled/${id}`, { method: 'DELETE' }))
  }

  /** A failed one cannot be retried on the server: the member dismisses it here (it stays listed until reload). */
  function dismiss(id: string) {
    store.remove(id)
  }

  return { load, schedule, update, cancel, dismiss }
}
