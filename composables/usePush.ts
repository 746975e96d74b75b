import type { PushSubscriptionView } from '#shared/push-schemas'

/** Notification permission of this browser, or 'unsupported' where Web Push is unavailable. */
export type PushPermission = NotificationPermission | 'unsupported'

/** useState keys of "this device gets pushes" and "that was read once"; the service-worker plugin clears both on sign-out. */
export const PUSH_ENABLED_STATE = 'push:enabled'
export const PUSH_CHECKED_STATE = 'push:checked'

/** The VAPID key as the bytes `pushManager.subscribe` wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
  const raw = atob(base64 + '='.repeat((4 - base64.length % 4) % 4))
  const bytes = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

/** True when an existing browser subscription was made with `key` (else it must be replaced). */
function madeWithKey(sub: PushSubscription, key: Uint8Array): boolean {
  const current = sub.options.applicationServerKey
  if (!current) return false
  const bytes = new Uint8Array(current)
  return bytes.length === key.length && bytes.every((b, i) => b === key[i])
}

/**
 * Web Push on this device (browser and tab closed: the OS shows the notification, clicking it
 * opens the message). For the notification settings UI:
 *
 * - `supported` — the browser can do Web Push here (service worker, PushManager, Notification,
 *   secure context). Hide or disable the control when false.
 * - `permission` — `'default' | 'granted' | 'denied' | 'unsupported'`. When `'denied'` only the
 *   browser's site settings can change it: say so instead of offering the button.
 * - `enabled` — this device has a push subscription the server knows for the signed-in member.
 *   Read from the browser and `GET /api/push/subscriptions` on first use (no prompt).
 * - `busy` — an enable/disable/refresh is running.
 * - `enable()` — call it ONLY from a click (or other user action) handler: it asks the browser's
 *   permission first, then registers the service worker, subscribes with the server's VAPID key
 *   and `POST /api/push/subscriptions`. Resolves true when pushes are on, false when the
 *   permission was refused or dismissed; rejects with an `ApiError` (e.g. RATE_LIMITED,
 *   VALIDATION for a push service the server does not allow) or a browser error.
 * - `disable()` — `DELETE /api/push/subscriptions/:id` for this device, then unsubscribes it.
 * - `refresh()` — re-reads `permission` and `enabled` (e.g. when the settings panel opens).
 *
 * Nothing here ever asks for permission on load. Signing out unsubscribes the device.
 */
export function usePush() {
  const api = useApi()
  const { $serviceWorker } = useNuxtApp()
  const supported = import.meta.client && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext
  const permission = useState<PushPermission>('push:permission', () => (supported ? Notification.permission : 'unsupported'))
  const enabled = useState<boolean>(PUSH_ENABLED_STATE, () => false)
  const busy = useState<boolean>('push:busy', () => false)
  const checked = useState<boolean>(PUSH_CHECKED_STATE, () => false)

  async function currentSubscription(): Promise<PushSubscription | null> {
    const reg = await navigator.serviceWorker.getRegistration('/')
    return (await reg?.pushManager.getSubscription()) ?? null
  }

  async function serverRecord(endpoint: string): Promise<PushSubscriptionView | undefined> {
    const { subscriptions } = await api<{ subscriptions: PushSubscriptionView[] }>('/api/push/subscriptions')
    return subscriptions.find(s => s.endpoint === endpoint)
  }

  async function run<T>(work: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await work()
    } finally {
      busy.value = false
    }
  }

  async function refresh(): Promise<void> {
    if (!supported) return
    permission.value = Notification.permission
    await run(async () => {
      const sub = permission.value === 'granted' ? await currentSubscription() : null
      enabled.value = sub ? Boolean(await serverRecord(sub.endpoint)) : false
      checked.value = true
    })
  }

  async function enable(): Promise<boolean> {
    if (!supported) throw new Error('Push notifications are not supported in this browser')
    // First, while the click's user activation lasts: Safari refuses a prompt after other awaits.
    permission.value = await Notification.requestPermission()
    if (permission.value !== 'granted') return false
    return run(async () => {
      const reg = await $serviceWorker()
      if (!reg) throw new Error('The service worker could not be registered')
      const { publicKey } = await api<{ publicKey: string }>('/api/push/vapid-key')
      const key = keyBytes(publicKey)
      let sub = await reg.pushManager.getSubscription()
      // Made with another server key (keys rotated): the push service would refuse our pushes.
      if (sub && !madeWithKey(sub, key)) {
        await sub.unsubscribe()
        sub = null
      }
      sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
      const json = sub.toJSON()
      await api('/api/push/subscriptions', { method: 'POST', body: { endpoint: json.endpoint, keys: json.keys } })
      enabled.value = true
      return true
    })
  }

  async function disable(): Promise<void> {
    if (!supported) return
    await run(async () => {
      const sub = await currentSubscription()
      if (sub) {
        const record = await serverRecord(sub.endpoint)
        if (record) await api(`/api/push/subscriptions/${record.id}`, { method: 'DELETE' })
        await sub.unsubscribe()
      }
      enabled.value = false
    })
  }

  if (supported && !checked.value && useAuthStore().signedIn) {
    checked.value = true
    void refresh().catch(() => { checked.value = false })
  }

  return { supported, permission: readonly(permission), enabled: readonly(enabled), busy: readonly(busy), enable, disable, refresh }
}
