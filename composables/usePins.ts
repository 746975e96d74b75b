import type { Message } from '#shared/types'

/**
 * A conversation's pinned messages for the header panel. Re-read when the timeline shows a pin
 * change: a message whose pinnedAt changed (message:updated) or a new "pinned a message" line.
 */
export function usePins(conversationId: MaybeRefOrGetter<string>) {
  const api = useApi()
  const store = useMessagesStore()
  const pins = ref<Message[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function refresh() {
    const id = toValue(conversationId)
    loading.value = true
    error.value = null
    try {
      const { messages } = await api<{ messages: Message[] }>(`/api/conversations/${id}/pins`)
      // A switch of conversation while the request was out makes this answer stale.
      if (id === toValue(conversationId)) pins.value = messages
    } catch (err) {
      error.value = describeError(err)
    } finally {
      loading.value = false
    }
  }

  /** Changes when any loaded message is pinned or unpinned, or a system line arrives. */
  const signature = computed(() => {
    const messages = store.timelineOf(toValue(conversationId)).messages
    const pinned = messages.filter(m => m.pinnedAt && !m.deletedAt).map(m => m.id).join(',')
    const lastSystem = messages.findLast(m => m.type === 'system')?.id ?? ''
    return `${pinned}|${lastSystem}`
  })

  watch(() => toValue(conversationId), refresh, { immediate: true })
  watch(signature, (now, before) => {
    if (now !== before) void refresh()
  })

  return { pins, loading, error, refresh }
}
