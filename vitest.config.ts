import { fileURLToPath } from 'node:url'
import './test/support/node20.ts'
import { defineConfig } from 'vitest/config'
import { defineVitestProject } from '@nuxt/test-utils/config'

// The Nuxt aliases server code imports by (see .nuxt/tsconfig.server.json), so a test can import
// any server module, the admin layer's included.
const alias = {
  '#shared': fileURLToPath(new URL('./shared', import.meta.url)),
  '#admin-shared': fileURLToPath(new URL('./layers/admin/shared', import.meta.url)),
  '#layers/admin': fileURLToPath(new URL('./layers/admin', import.meta.url)),
  '~~': fileURLToPath(new URL('.', import.meta.url))
}

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      // The load and k6 tooling's pure parts (framing, accounting, profiles), apart from the app's own tests.
      { test: { name: 'tooling', include: ['test/tooling/**/*.test.ts'], environment: 'node' } },
      // Components and stores inside a running Nuxt app (happy-dom).
      await defineVitestProject({
        test: {
          name: 'nuxt',
          include: ['test/nuxt/**/*.test.ts'],
          environment: 'nuxt',
          // Its own build folder, so a test run never rewrites the .nuxt of a build or dev server beside it.
          environmentOptions: { nuxt: { domEnvironment: 'happy-dom', overrides: { buildDir: 'node_modules/.cache/nuxt-vitest' } } }
        }
      }),
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/setup/global.ts'],
          testTimeout: 30000,
          hookTimeout: 240000,
          fileParallelism: false
        }
      },
      {
        // The integration tests again, plus two instances sharing them, on real PostgreSQL 15 + Redis.
        resolve: { alias },
        test: {
          name: 'postgres-redis',
          include: ['test/integration/**/*.test.ts', 'test/services/**/*.test.ts'],
          globalSetup: ['test/services/setup/global.ts'],
          testTimeout: 30000,
          hookTimeout: 240000,
          fileParallelism: false
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'supabase',
          include: ['test/supabase/**/*.test.ts'],
          globalSetup: ['test/supabase/setup/global.ts'],
          testTimeout: 30000,
          hookTimeout: 240000,
          fileParallelism: false
        }
      }
    ]
  }
})
