/* Service worker of Project Chat, served from /sw.js with scope /.
 *
 * It makes the app installable, is the target of Web Push, and opens the app without a network:
 * the app shell (the HTML of the last navigation, as served, with its CSP header and nonce) answers
 * a navigation only when the network fails, and the built assets under /_nuxt/ (content-hashed)
 * come from the cache first. /api and Socket.IO always go to the network, never into a cache.
 */

// Bump when the worker's behaviour changes: it names the caches, and older ones are deleted on activate.
const VERSION = 2

/* ---------------- Lifecycle ---------------- */

self.addEventListener('install', (event) => {
  // Precache the shell and what it loads, then take over from an older worker at once.
  event.waitUntil(precacheShell().catch(() => {}).then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(dropOldCaches().then(() => self.clients.claim()))
})

/* ---------------- Caching ---------------- */

const SHELL_CACHE = `chat-shell-v${VERSION}`
const ASSET_CACHE = `chat-assets-v${VERSION}`
// Every route of this single-page app is served the same shell: one entry stands for all of them.
const SHELL_KEY = '/'
// Small files of the app's own that the shell links to (the manifest and its icons).
const STATIC_FILES = ['/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png']

/** Never cached: the API, Socket.IO, and Nuxt's build manifest (it says whether a new version is out). */
function neverCached(url) {
  return url.pathname.startsWith('/api/') || url.pathname === '/api' || url.pathname.startsWith('/socket.io')
    || url.pathname.startsWith('/_nuxt/builds/')
}

/** A built asset: content-hashed, so a cached copy is never stale. */
function isAsset(url) {
  return url.pathname.startsWith('/_nuxt/') && !neverCached(url)
}

/** A complete, same-origin answer worth keeping (no redirect: a navigation may not be answered with one). */
function keepable(response) {
  return response && response.ok && response.status === 200 && !response.redirected && response.type === 'basic'
}

/** Keeps the shell as served and the scripts and styles it names, and the app's small static files. */
async function precacheShell() {
  const response = await fetch(SHELL_KEY, { cache: 'no-store', credentials: 'same-origin' })
  if (!keepable(response)) return
  const html = await response.clone().text()
  await (await caches.open(SHELL_CACHE)).put(SHELL_KEY, response)
  const assets = [...html.matchAll(/(?:src|href)="(\/_nuxt\/[^"]+)"/g)].map(m => m[1])
  await cacheAssets(assets)
  const statics = await caches.open(SHELL_CACHE)
  await Promise.all(STATIC_FILES.map(path => fetch(path).then(r => keepable(r) ? statics.put(path, r) : undefined).catch(() => {})))
}

/** Adds built assets not cached yet (the page tells which it loaded before this worker controlled it). */
async function cacheAssets(paths) {
  const cache = await caches.open(ASSET_CACHE)
  await Promise.all([...new Set(paths)].map(async (path) => {
    const url = new URL(path, self.location.origin)
    if (url.origin !== self.location.origin || !isAsset(url) || await cache.match(url.pathname)) return
    const response = await fetch(url.pathname).catch(() => null)
    if (keepable(response)) await cache.put(url.pathname, response)
  }))
}

async function dropOldCaches() {
  const names = await caches.keys()
  await Promise.all(names.filter(n => n.startsWith('chat-') && n !== SHELL_CACHE && n !== ASSET_CACHE).map(n => caches.delete(n)))
}

/** A navigation: the network's page (kept as the shell), or the kept shell when the network fails. */
async function navigate(request) {
  try {
    const response = await fetch(request)
    if (keepable(response) && (response.headers.get('content-type') ?? '').includes('text/html')) {
      const copy = response.clone()
      caches.open(SHELL_CACHE).then(cache => cache.put(SHELL_KEY, copy)).catch(() => {})
    }
    return response
  } catch (error) {
    const shell = await caches.match(SHELL_KEY, { cacheName: SHELL_CACHE })
    if (shell) return shell
    throw error
  }
}

/** A built asset: from the cache, else from the network and kept. */
async function asset(request) {
  const cache = await caches.open(ASSET_CACHE)
  const url = new URL(request.url)
  const hit = await cache.match(url.pathname)
  if (hit) return hit
  const response = await fetch(request)
  if (keepable(response)) cache.put(url.pathname, response.clone()).catch(() => {})
  return response
}

/** The app's small static files: the network first, the kept copy without one. */
async function staticFile(request) {
  try {
    return await fetch(request)
  } catch (error) {
    const hit = await caches.match(new URL(request.url).pathname, { cacheName: SHELL_CACHE })
    if (hit) return hit
    throw error
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin || neverCached(url)) return
  if (request.mode === 'navigate') event.respondWith(navigate(request))
  else if (isAsset(url)) event.respondWith(asset(request))
  else if (STATIC_FILES.includes(url.pathname)) event.respondWith(staticFile(request))
})

self.addEventListener('message', (event) => {
  const data = event.data
  if (data && data.type === 'cache:assets' && Array.isArray(data.urls)) {
    event.waitUntil(cacheAssets(data.urls.filter(u => typeof u === 'string')))
  }
})

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
