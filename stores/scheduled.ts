import type { ScheduledMessage } from '#shared/scheduled-schemas'

/** The member's scheduled messages still waiting, and the failed ones with their reason. */
export const useScheduledStore = defineStore('scheduled', () => {
  const items = ref<Record<string, ScheduledMessage>>({})
  const loaded = ref(false)

  /** Soonest first, per conversation. */
  function forConversation(conversationId: string): ScheduledMessage[] {
    return Object.values(items.value)
      .filter(s => s.conversationId === conversationId)
      .sort((a, b) => a.sendAt.localeCompare(b.sendAt))
  }

  function reset() {
    items.value = {}
    loaded.value = false
  }

  function setAll(list: ScheduledMessage[]) {
    items.value = Object.fromEntries(list.map(s => [s.id, s]))
    loaded.value = true
  }

  /** A create, an edit, or scheduled:updated: sent and cancelled ones leave the list. */
  function upsert(scheduled: ScheduledMessage) {
    if (scheduled.status === 'sent' || scheduled.status === 'cancelled') remove(scheduled.id)
    else items.value[scheduled.id] = scheduled
  }

  function remove(id: string) {
    const { [id]: _gone, ...rest } = items.value
    items.value = rest
  }

  return { items, loaded, forConversation, reset, setAll, upsert, remove }
})
