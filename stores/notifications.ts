import type { NotificationPayload } from '#shared/events'
import { addNotification, endGroup, type GroupResult, type NotificationGroup } from '~/utils/notifications/group'

/**
 * Notification state of this tab: the live toast bursts, and this device's own choices (a sound,
 * desktop notifications), which stay in localStorage because they belong to the device, not the account.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const groups = ref<NotificationGroup[]>([])
  /** Play a short chime for a notification. Off until the member turns it on. */
  const sound = useLocalStorage('chat.notify.sound', false)
  /**
   * Show browser notifications while the tab is hidden. Only ever set from the settings' button,
   * after the browser granted permission: the page never asks on load.
   */
  const desktop = useLocalStorage('chat.notify.desktop', false)

  function reset() {
    groups.value = []
  }

  /** Files a notification into its burst; the caller shows or updates the burst's toast. */
  function receive(payload: NotificationPayload, now = Date.now()): GroupResult {
    const result = addNotification(groups.value, payload, now)
    groups.value = result.groups
    return result
  }

  /** The burst's toast was closed or opened: the next notification starts a fresh one. */
  function dismiss(id: string) {
    groups.value = endGroup(groups.value, id)
  }

  function setSound(on: boolean) {
    sound.value = on
  }

  function setDesktop(on: boolean) {
    desktop.value = on
  }

  return { groups, sound, desktop, reset, receive, dismiss, setSound, setDesktop }
})
