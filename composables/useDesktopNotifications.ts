import type { NotificationPayload } from '#shared/events'
import { APP_TITLE } from '~/utils/notifications/unread'

type Permission = NotificationPermission | 'unsupported'

/** Shared by every caller, so the settings' button and the notifier agree on the permission. */
const permission = ref<Permission>('default')

function readPermission(): Permission {
  return import.meta.client && 'Notification' in window ? Notification.permission : 'unsupported'
}

/**
 * Browser notifications while the tab is hidden. Permission is asked only by `enable()`, called
 * from the settings' button: the page never asks on load. Shown through the service worker's
 * registration when there is one (its click handler opens the message), else with `new Notification`.
 */
export function useDesktopNotifications() {
  const store = useNotificationsStore()
  const router = useRouter()
  permission.value = readPermission()

  const supported = computed(() => permission.value !== 'unsupported')
  const enabled = computed(() => store.desktop && permission.value === 'granted')

  /** Asks the browser (from a click), and turns them on when it agrees. */
  async function enable(): Promise<Permission> {
    if (!supported.value) return 'unsupported'
    permission.value = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission
    store.setDesktop(permission.value === 'granted')
    return permission.value
  }

  function disable() {
    store.setDesktop(false)
  }

  /** Shows one notification; a later one about the same conversation replaces it (same tag). */
  async function show(payload: NotificationPayload, title: string, body: string) {
    if (!enabled.value) return
    const options: NotificationOptions = {
      body,
      // The service worker's pushes use the same tag: one notification per conversation, whichever shows it.
      tag: `conversation-${payload.conversationId}`,
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      data: { url: payload.url }
    }
    const registration = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration().catch(() => undefined) : undefined
    if (registration) {
      // Registered, maybe still installing: wait for the active worker, which handles the click.
      const ready = await navigator.serviceWorker.ready
      await ready.showNotification(title || APP_TITLE, options)
      return
    }
    const notification = new Notification(title || APP_TITLE, options)
    notification.onclick = () => {
      window.focus()
      notification.close()
      if (payload.url) void router.push(payload.url)
    }
  }

  return { supported, permission: readonly(permission), enabled, enable, disable, show }
}
