import type { Conversation, NotificationLevel } from '#shared/types'
import { muteEnd, type MuteChoice } from '~/utils/notifications/timers'

/**
 * The member's own notification choices for one conversation (`PATCH /api/conversations/:id/preferences`):
 * its level, and a mute for a while. The server tells the member's other tabs with conversation:updated.
 */
export function useConversationPreferences() {
  const api = useApi()
  const store = useConversationsStore()

  async function save(conversationId: string, changes: { notificationLevel?: NotificationLevel, mutedUntil?: string | null }) {
    const { conversation } = await api<{ conversation: Conversation }>(`/api/conversations/${conversationId}/preferences`, { method: 'PATCH', body: changes })
    store.upsertConversation(conversation)
    return conversation
  }

  return {
    setLevel: (conversationId: string, notificationLevel: NotificationLevel) => save(conversationId, { notificationLevel }),
    mute: (conversationId: string, choice: MuteChoice) => save(conversationId, { mutedUntil: muteEnd(choice, new Date()).toISOString() }),
    unmute: (conversationId: string) => save(conversationId, { mutedUntil: null })
  }
}
