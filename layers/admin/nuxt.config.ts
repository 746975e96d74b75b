import { fileURLToPath } from 'node:url'

// The layer's own contract (admin zod schemas and types), imported as `#admin-shared/…` the way
// the app's is imported as `#shared/…`.
export default defineNuxtConfig({
  alias: { '#admin-shared': fileURLToPath(new URL('./shared', import.meta.url)) }
})
