/** What the service worker posts to the page: open a message after a notification click. */
interface NavigateMessage { type: 'notification:navigate', url: string }

const isNavigate = (data: unknown): data is NavigateMessage =>
  typeof data === 'object' && data !== null && (data as NavigateMessage).type === 'notification:navigate' && typeof (data as NavigateMessage).url === 'string'

/** An in-app path (`/c/…`), never another origin or a protocol-relative `//host`. */
const isAppPath = (url: string) => url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')

/**
 * Registers /sw.js (installability and the Web Push target; it asks for no permission) and follows
 * its notification clicks inside the app. Provides `$serviceWorker()`: the registration once
 * active, or null where service workers are unavailable (plain http off localhost, old browsers).
 * Signing out drops this device's push subscription: pushes are personal.
 */
export default defineNuxtPlugin({
  name: 'service-worker',
  setup() {
    const supported = 'serviceWorker' in navigator && window.isSecureContext
    let registration: Promise<ServiceWorkerRegistration | null> | undefined

    function serviceWorker(): Promise<ServiceWorkerRegistration | null> {
      if (!supported) return Promise.resolve(null)
      registration ??= navigator.serviceWorker.register('/sw.js', { scope: '/' })
        .then(() => navigator.serviceWorker.ready)
        .then((ready) => {
          // The scripts this page loaded before the worker controlled it: kept for opening without a network.
          const urls = performance.getEntriesByType('resource').map(e => e.name).filter(url => url.startsWith(`${location.origin}/_nuxt/`))
          ready.active?.postMessage({ type: 'cache:assets', urls })
          return ready
        })
        .catch((err: unknown) => {
          console.warn('service worker registration failed', err)
          registration = undefined
          return null
        })
      return registration
    }

    if (supported) {
      navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isNavigate(event.data) && isAppPath(event.data.url)) void navigateTo(event.data.url)
      })
      // After first paint: registration fetches and parses the worker, nothing the first screen needs.
      if (document.readyState === 'complete') void serviceWorker()
      else window.addEventListener('load', () => void serviceWorker(), { once: true })

      const auth = useAuthStore()
      const pushEnabled = useState<boolean>(PUSH_ENABLED_STATE, () => false)
      const pushChecked = useState<boolean>(PUSH_CHECKED_STATE, () => false)
      watch(() => auth.signedIn, (signedIn, was) => {
        if (!was || signedIn) return
        pushEnabled.value = false
        pushChecked.value = false
        void navigator.serviceWorker.getRegistration()
          .then(reg => reg?.pushManager.getSubscription())
          .then(sub => sub?.unsubscribe())
          .catch(() => {})
      })
    }

    return { provide: { serviceWorker } }
  }
})
