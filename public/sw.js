/* Service worker of Project Chat, served from /sw.js with scope /.
 *
 * It makes the app installable and is the target of Web Push. It has no `fetch` handler yet, so
 * every request (pages, /api, Socket.IO) goes to the network exactly as without a worker and the
 * page's CSP is untouched. An offline app shell adds its caching in the "Caching" section: precache
 * in `install`, clean old caches in `activate`, answer in a `fetch` handler.
 */

// Bump when the worker's behaviour changes (and, later, to name its caches).
const VERSION = 1

/* ---------------- Lifecycle ---------------- */

self.addEventListener('install', () => {
  // Nothing to precache yet: take over from an older worker at once.
  self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim())
})

/* ---------------- Caching ----------------
 * None yet (see above). Keep Socket.IO (/socket.io/) and /api out of any cache added here.
 */

/* ---------------- Push ---------------- */

// Said when the member turned message previews off and the push carries no text.
const QUIET_BODY = { dm: 'New message', mention: 'You were mentioned', reply: 'New reply in a thread' }

/** The push's JSON ({ title, body, url, tag, kind, conversationId, messageId }), or null. */
function readPush(event) {
  if (!event.data) return null
  try {
    const data = event.data.json()
    return data && typeof data === 'object' ? data : null
  } catch {
    return null
  }
}

/** A path on this origin to open; anything else falls back to the app's start. */
function sameOriginPath(url) {
  try {
    const target = new URL(url, self.location.origin)
    if (target.origin !== self.location.origin) return '/'
    return target.pathname + target.search + target.hash
  } catch {
    return '/'
  }
}

self.addEventListener('push', (event) => {
  const push = readPush(event)
  const title = typeof push?.title === 'string' && push.title ? push.title : 'Project Chat'
  const body = typeof push?.body === 'string' && push.body ? push.body : (QUIET_BODY[push?.kind] ?? 'New activity')
  const tag = typeof push?.tag === 'string' ? push.tag : undefined
  // Browsers require a visible notification for every push (userVisibleOnly), so one is always shown.
  event.waitUntil(self.registration.showNotification(title, {
    body,
    tag,
    // A newer message of the same conversation replaces the notification and alerts again.
    renotify: Boolean(tag),
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    timestamp: Date.now(),
    data: { url: sameOriginPath(push?.url ?? '/'), conversationId: push?.conversationId, messageId: push?.messageId, version: VERSION }
  }))
})

/**
 * Opens the message: an open tab of the app is focused and told to navigate inside the app (no
 * reload, the socket stays up); without one a new window opens on the message.
 */
async function openMessage(path) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  const ours = windows.filter(client => new URL(client.url).origin === self.location.origin)
  const client = ours.find(c => c.focused) ?? ours.find(c => c.visibilityState === 'visible') ?? ours[0]
  if (client) {
    const focused = await client.focus().catch(() => null)
    ;(focused ?? client).postMessage({ type: 'notification:navigate', url: path })
    return
  }
  await self.clients.openWindow(path)
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(openMessage(sameOriginPath(event.notification.data?.url ?? '/')))
})
