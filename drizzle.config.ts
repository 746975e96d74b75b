import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  // One migration history for the app's tables and the admin layer's own.
  schema: ['./server/db/schema.ts', './layers/admin/server/db/schema.ts'],
  out: './drizzle'
})
