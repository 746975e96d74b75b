import { cp } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { resolve } from 'node:path'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Nitro, NitroConfig } from 'nitropack'
import { useLogger } from 'nuxt/kit'
import type { Nuxt, NuxtConfig } from 'nuxt/schema'
import type { Rolldown } from 'vite'
import { importWalker } from './build/barrel-imports'
import { EARLY_REQUESTS_SCRIPT } from './utils/boot/early-requests'

const nitro: NitroConfig = {
  experimental: { websocket: true },
  // Built assets are compressed once at build time and served as .br/.gz next to the originals
  // (Content-Encoding per Accept-Encoding); per-response compression is server/plugins/08.compress-responses.ts.
  compressPublicAssets: { brotli: true, gzip: true },
  // The API answers JSON, never a page: a CSP nonce made for it would go unused (nuxt-security's rules).
  routeRules: { '/api/**': { security: { nonce: false } } },
  ...(process.env.NUXT_OUTPUT_DIR ? { output: { dir: process.env.NUXT_OUTPUT_DIR } } : {}),
  hooks: {
    // The built server applies migrations on start, so it must carry them.
    async compiled(nitro: Nitro) {
      await cp(resolve(nitro.options.rootDir, 'drizzle'), resolve(nitro.options.output.serverDir, 'migrations'), { recursive: true })
    }
  }
}

/** Libraries loaded only where they are used (admin tables and charts, Supabase sign-in, emoji data). */
const ON_DEMAND_LIBRARIES = /[\\/]node_modules[\\/](?:echarts|zrender|vue-echarts|@supabase|emojibase-data|@tanstack[\\/](?:vue-table|table-core))[\\/]/

function isVendor(id: string): boolean {
  return /[\\/]node_modules[\\/]/.test(id) && !ON_DEMAND_LIBRARIES.test(id)
}

/** The sign-in screen: its layout and pages. */
const SIGN_IN_SCREENS = ['layouts/auth.vue', 'pages/login.vue', 'pages/signup.vue', 'pages/forgot.vue', 'pages/reset.vue']
/** The member's chat screen: its layouts and the pages a visit opens on. */
const CHAT_SCREENS = ['layouts/chat.vue', 'layouts/default.vue', 'pages/index.vue', 'pages/c/[id]/index.vue']

/** Loaded when opened (defineAsyncComponent or a `Lazy` prefix): never part of the first paint. */
const ON_DEMAND_COMPONENTS = /(?:Modal|EmojiPicker|ThreadPanel|MessageEditor|ScheduledList|FirstRun|FilesGallery)\.vue/

/**
 * The chunks (codeSplitting groups below) a first screen loads, which the shell preloads: `signin`
 * on every page; `vendor` and `chat` except on the sign-in pages (server/plugins/09.first-screen-preloads.ts).
 * Their files are named after them so the server can tell them apart.
 */
const FIRST_SCREEN_CHUNKS = ['signin', 'vendor', 'chat']

/**
 * What a screen imports without waiting (static imports, followed from its pages and layouts): only
 * this goes into its preloaded chunks. A library or module that only a lazily loaded part uses (the
 * admin area, a modal, the automod rule tester's regex engine) stays with that part, and so do the
 * components of a package index the screen does not name (build/barrel-imports.ts).
 */
function reachableFrom(screens: string[], graph: Rolldown.ChunkingContext): Set<string> {
  const roots = screens.map(path => fileURLToPath(new URL(path, import.meta.url)))
  const reached = new Set<string>()
  const edges = importWalker(graph)
  const queue = roots.filter(id => graph.getModuleInfo(id))
  // Nuxt's server build of the SPA shell holds no page; a client build missing one means a renamed file.
  if (queue.length && queue.length < roots.length) {
    throw new Error(`nuxt.config: first screens missing from the client build: ${roots.filter(id => !queue.includes(id)).join(', ')}`)
  }
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (reached.has(id)) continue
    reached.add(id)
    queue.push(...edges(id))
  }
  return reached
}

/** A chunk group holding the modules of `screens` that `belongs` admits (one graph walk per build). */
function firstScreenGroup(name: string, screens: string[], belongs: (id: string) => boolean, priority: number) {
  const walked = new WeakMap<Rolldown.ChunkingContext, Set<string>>()
  return {
    priority,
    debugName: name,
    test: belongs,
    name(id: string, graph: Rolldown.ChunkingContext) {
      let reached = walked.get(graph)
      if (!reached) walked.set(graph, reached = reachableFrom(screens, graph))
      return reached.has(id) ? name : null
    }
  }
}

function isAppSource(id: string): boolean {
  return !id.includes('node_modules') && !id.includes('layers') && !ON_DEMAND_COMPONENTS.test(id)
}

/** Socket error codes that mean the other end went away: routine for browsers, no server fault. */
const PEER_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])

type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown

/**
 * `nuxt dev` hands websocket upgrades (Socket.IO's) to Nitro's dev proxy, httpxy, whose promise
 * rejects when either socket errors, even long after the upgrade: a browser resetting it on reload
 * is enough. nuxi drops that promise, and its unhandledRejection handler then restarts the whole
 * dev server, blanking every open tab. Settle it here: a vanished peer is expected; anything else
 * costs one connection and a warning, not a restart.
 */
function settleDevUpgrades(nuxt: Nuxt) {
  const server = nuxt.server as { upgrade?: Upgrade } | undefined
  const upgrade = server?.upgrade
  if (!nuxt.options.dev || !server || typeof upgrade !== 'function') return
  const logger = useLogger('dev')
  server.upgrade = (req, socket, head) => Promise.resolve()
    .then(() => upgrade.call(server, req, socket, head))
    .catch((error: unknown) => {
      socket.destroy()
      const code = (error as NodeJS.ErrnoException | undefined)?.code
      if (!code || !PEER_GONE.has(code)) logger.warn(`websocket upgrade of ${req.url} failed:`, error)
    })
}

export default defineNuxtConfig({
  modules: ['@nuxt/ui', '@pinia/nuxt', '@vueuse/nuxt', 'nuxt-security', '@nuxt/eslint'],
  ssr: false,
  devtools: { enabled: false },
  // Screen readers pick their voice from the page language (axe: html-has-lang). The manifest,
  // icons and theme colour make the app installable (public/manifest.webmanifest, public/sw.js).
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      link: [
        { rel: 'manifest', href: '/manifest.webmanifest' },
        { rel: 'icon', type: 'image/svg+xml', href: '/icons/icon.svg' },
        { rel: 'apple-touch-icon', href: '/icons/apple-touch-icon.png' }
      ],
      meta: [{ name: 'theme-color', content: '#16a34a' }],
      // The page CSP forbids eval. zod probes `new Function` when its first object schema is built,
      // which a shared chunk may do before any plugin runs: this runs first (it carries the nonce).
      script: [
        { innerHTML: 'globalThis.__zod_globalConfig={jitless:true}', tagPosition: 'head' },
        // /api/config and the session refresh, asked while the scripts download (utils/boot/early-requests.ts).
        { innerHTML: EARLY_REQUESTS_SCRIPT, tagPosition: 'head' }
      ]
    }
  },
  css: ['~/assets/css/main.css'],
  // No network at build or run time: fonts come from the system stack, icons from installed collections.
  ui: { fonts: false, experimental: { componentDetection: true } },
  // Separate build folders let a test build run beside a dev server in the same checkout.
  buildDir: process.env.NUXT_BUILD_DIR || undefined,
  compatibilityDate: '2026-11-01',
  // Nuxt's schema types only a subset of Nitro's options; the full config is typed above.
  nitro: nitro as NuxtConfig['nitro'],
  // Pre-bundled when `nuxt dev` starts: found only on a page's first visit, each of these made Vite
  // re-optimize and reload the page under a newcomer's hands (sign-in reloaded three times).
  vite: {
    build: {
      rolldownOptions: {
        output: {
          // A chunk per component meant ~150 requests for the first screen, each a round trip and
          // ~0.5 KB of headers. Four chunks instead: what the entry imports, the sign-in screen (the
          // chat screen shares its libraries), the chat screen's libraries, and the chat screen.
          // Whatever is imported lazily (modals, pickers, the thread panel, admin, ECharts, the
          // Supabase client, emoji data) keeps a chunk of its own.
          codeSplitting: {
            groups: [
              { name: 'entry', tags: ['$initial'], priority: 4 },
              // What the sign-in screen needs, libraries included; the chat screen shares it.
              firstScreenGroup('signin', SIGN_IN_SCREENS, id => isVendor(id) || isAppSource(id), 3),
              firstScreenGroup('vendor', CHAT_SCREENS, isVendor, 2),
              firstScreenGroup('chat', CHAT_SCREENS, isAppSource, 1)
            ]
          },
          chunkFileNames: chunk => FIRST_SCREEN_CHUNKS.includes(chunk.name) ? '_nuxt/[name].[hash].js' : '_nuxt/[hash].js'
        }
      }
    },
    optimizeDeps: {
      include: [
        '@supabase/ssr', 'socket.io-client', 'zod', 're2js',
        'echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers', 'vue-echarts'
      ]
    }
  },
  typescript: { strict: true },
  telemetry: false,
  hooks: {
    ready: settleDevUpgrades,
    // The shell named every lazily loaded chunk for prefetching (admin, the charts, the Supabase
    // client, ~50 files): a newcomer on a phone downloaded them all. Pages load their chunks when
    // opened; the service worker keeps what was loaded for offline use.
    // Every first screen (sign-in included) needs the libraries and the chat chunk (layouts, stores),
    // which the entry only imports dynamically: without a hint the browser asks for them after the
    // entry has loaded and run (~0.4 s later on Fast 4G). Listed as the entry's imports, the shell
    // names them as modulepreload links and their stylesheets as links, fetched beside the entry.
    // They import the entry back, a cycle the renderer resolves by dropping one of them from the
    // shell, so that edge (the entry is loaded first anyway) goes.
    'build:manifest'(manifest) {
      const entries = Object.keys(manifest).filter(key => manifest[key]?.isEntry)
      // In import order (libraries first), as their stylesheets were applied when loaded on demand.
      const firstScreen = FIRST_SCREEN_CHUNKS.flatMap(name => Object.keys(manifest).filter(key => manifest[key]?.name === name))
      for (const key of firstScreen) {
        const chunk = manifest[key]!
        chunk.imports = chunk.imports?.filter(id => !entries.includes(id))
      }
      for (const key of entries) {
        const chunk = manifest[key]!
        chunk.dynamicImports = []
        chunk.imports = [...new Set([...chunk.imports ?? [], ...firstScreen])]
      }
    }
  },
  // Lint follows the project's style: no semicolons, single quotes, two spaces, no trailing commas.
  eslint: { config: { stylistic: { commaDangle: 'never', braceStyle: '1tbs' } } },
  // The icon endpoint sits outside /api, where unknown paths answer the contract's NOT_FOUND.
  icon: { serverBundle: { collections: ['lucide'] }, clientBundle: { scan: true }, fallbackToApi: false, localApiEndpoint: '/_nuxt_icon' },
  // Page headers and a per-request CSP nonce on the SPA shell's scripts. The app answers its own
  // limits and errors in the contract's shape (server/middleware, services), so nuxt-security's
  // limiters and validators stay off: its XSS validator would refuse legitimate messages, its
  // size limiter answers in another shape and only reads Content-Length. HSTS is sent by
  // server/middleware/03.security-headers.ts, only behind TLS.
  security: {
    rateLimiter: false,
    requestSizeLimiter: false,
    xssValidator: false,
    corsHandler: false,
    allowedMethodsRestricter: false,
    removeLoggers: false,
    nonce: true,
    headers: {
      // Avatars and Supabase-hosted images are cross-origin and carry no CORP header.
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: false,
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      contentSecurityPolicy: {
        'default-src': ['\'self\''],
        'base-uri': ['\'none\''],
        'object-src': ['\'none\''],
        'frame-ancestors': ['\'none\''],
        'form-action': ['\'self\''],
        // Nuxt's inline config and colour-mode scripts carry the nonce; chunks they import are trusted by 'strict-dynamic'.
        'script-src': ['\'self\'', '\'strict-dynamic\'', '\'nonce-{{nonce}}\''],
        'script-src-attr': ['\'none\''],
        // Nuxt UI and the icon module write <style> elements and style attributes at run time.
        'style-src': ['\'self\'', '\'unsafe-inline\''],
        'img-src': ['\'self\'', 'data:', 'blob:', 'https:'],
        'font-src': ['\'self\'', 'data:'],
        // Supabase's origin is added at run time (server/plugins/03.csp-origins.ts).
        'connect-src': ['\'self\''],
        // The service worker (/sw.js) and the web app manifest come from this origin only.
        'worker-src': ['\'self\'', 'blob:'],
        'manifest-src': ['\'self\''],
        'upgrade-insecure-requests': false
      }
    }
  }
})
