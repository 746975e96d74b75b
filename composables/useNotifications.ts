import type { NotificationPayload } from '#shared/events'
import { conversationLabel } from '~/utils/chat/conversation-label'
import { toastText, type NotificationGroup } from '~/utils/notifications/group'
import { isQuiet } from '~/utils/notifications/unread'

/** Long enough to read a preview; a burst's update keeps the same toast on screen. */
const TOAST_DURATION_MS = 8_000

/**
 * Tells the member about a `notification` from the server: a toast (a burst about one
 * conversation shares one toast that counts), a browser notification while the tab is hidden,
 * and a chime when this device asked for one. Nothing during do-not-disturb or a mute, and no
 * toast about the conversation the member is looking at.
 */
export function useNotifications() {
  const store = useNotificationsStore()
  const conversations = useConversationsStore()
  const toast = useToast()
  const client = useClientState()
  const dnd = useDnd()
  const desktop = useDesktopNotifications()
  const sound = useNotificationSound()

  /** Opens the message: another project's conversation switches project as it opens. */
  async function open(group: NotificationGroup) {
    store.dismiss(group.id)
    toast.remove(group.id)
    const { latest } = group
    await navigateTo(latest.url || `/c/${latest.conversationId}`)
  }

  function showToast(group: NotificationGroup, started: boolean, title: string, description: string) {
    const sender = group.latest.sender
    const content = {
      title,
      description,
      ...(sender ? { avatar: { src: sender.avatarUrl ?? undefined, alt: sender.displayName } } : { icon: 'i-lucide-bell' }),
      'color': group.mentioned ? 'error' as const : 'primary' as const,
      'duration': TOAST_DURATION_MS,
      'class': 'chat-notification-toast',
      'actions': [{ label: 'Open', icon: 'i-lucide-arrow-right', variant: 'soft' as const, onClick: () => void open(group) }],
      'onClick': () => void open(group),
      'onUpdate:open': (isOpen: boolean) => {
        if (!isOpen) store.dismiss(group.id)
      }
    }
    const onScreen = toast.toasts.value.some(t => t.id === group.id && t.open !== false)
    if (!started && onScreen) toast.update(group.id, content)
    else toast.add({ id: group.id, ...content })
  }

  function receive(payload: NotificationPayload) {
    const now = Date.now()
    if (dnd.holding(now)) return
    const conversation = conversations.conversations[payload.conversationId]
    // The server holds these back too; a stale tab must not ring for a conversation just muted.
    if (conversation && isQuiet(conversation.preferences, now)) return
    if (client.visible.value && client.conversationId.value === payload.conversationId) return

    const { group, started } = store.receive(payload, now)
    const label = conversation ? conversationLabel(conversation) : null
    const direct = conversation ? conversation.type === 'direct' : payload.kind === 'dm'
    const { title, description } = toastText(group, label, direct)
    showToast(group, started, title, description)
    if (client.hidden.value) desktop.show(payload, title, description).catch(logFailure('showing a browser notification'))
    if (store.sound) sound.play(now)
  }

  return { receive, open }
}
