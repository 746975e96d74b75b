import { cp } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Nitro, NitroConfig } from 'nitropack'
import type { NuxtConfig } from 'nuxt/schema'

const nitro: NitroConfig = {
  experimental: { websocket: true },
  ...(process.env.NUXT_OUTPUT_DIR ? { output: { dir: process.env.NUXT_OUTPUT_DIR } } : {}),
  hooks: {
    // The built server applies migrations on start, so it must carry them.
    async compiled(nitro: Nitro) {
      await cp(resolve(nitro.options.rootDir, 'drizzle'), resolve(nitro.options.output.serverDir, 'migrations'), { recursive: true })
    }
  }
}

export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  modules: ['@nuxt/ui', '@pinia/nuxt', '@vueuse/nuxt'],
  css: ['~/assets/css/main.css'],
  devtools: { enabled: false },
  telemetry: false,
  ssr: false,
  // No network at build or run time: fonts come from the system stack, icons from installed collections.
  ui: { fonts: false },
  // The icon endpoint sits outside /api, where unknown paths answer the contract's NOT_FOUND.
  icon: { serverBundle: { collections: ['lucide'] }, clientBundle: { scan: true }, fallbackToApi: false, localApiEndpoint: '/_nuxt_icon' },
  typescript: { strict: true },
  // Separate build folders let a test build run beside a dev server in the same checkout.
  buildDir: process.env.NUXT_BUILD_DIR || undefined,
  // Nuxt's schema types only a subset of Nitro's options; the full config is typed above.
  nitro: nitro as NuxtConfig['nitro']
})
