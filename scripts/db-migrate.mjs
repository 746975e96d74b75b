#!/usr/bin/env node
// Applies the drizzle-kit migrations in drizzle/ (npm run db:migrate):
//   DATABASE_URL set   -> PostgreSQL through postgres.js, under the same advisory lock the server takes
//   DATABASE_URL unset -> PGlite in $DATA_DIR/pglite (DATA_DIR defaults to .data)
// With SUPABASE_URL also set, the Supabase-only SQL in supabase/sql (RLS policies, storage bucket)
// follows the drizzle migrations. MIGRATIONS_DIR overrides the folder. Seeding is left to the
// server (it seeds on first start).
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const migrationsFolder = resolve(process.env.MIGRATIONS_DIR || join(root, 'drizzle'))
const journalPath = join(migrationsFolder, 'meta', '_journal.json')
if (!existsSync(journalPath)) {
  console.error(`[db:migrate] no drizzle journal at ${journalPath}`)
  process.exit(1)
}
const journal = JSON.parse(readFileSync(journalPath, 'utf8'))
const MIGRATION_LOCK = 727274 // same key as server/db/migrate.ts, so a starting server and this script never race
const started = performance.now()
const redact = url => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')

async function migratePostgres(url) {
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate } = await import('drizzle-orm/postgres-js/migrator')
  const pooled = /:6543\b/.test(url) || process.env.DATABASE_PREPARE === 'false'
  // One connection, so the advisory lock belongs to the session that runs the DDL.
  const client = postgres(url, { max: 1, onnotice: () => {}, prepare: !pooled, connect_timeout: 15 })
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`
    try {
      await migrate(drizzle(client), { migrationsFolder })
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK})`
    }
    const rows = await client`select count(*)::int as n from drizzle.__drizzle_migrations`
    return `${redact(url)} (${rows[0].n} applied)`
  } finally {
    await client.end({ timeout: 5 })
  }
}

async function migratePglite(dataDir) {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate } = await import('drizzle-orm/pglite/migrator')
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'pglite')
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const client = await PGlite.create(path, { extensions: { pg_trgm } })
  try {
    await migrate(drizzle(client), { migrationsFolder })
    const { rows } = await client.query('select count(*)::int as n from drizzle.__drizzle_migrations')
    return `PGlite ${path} (${rows[0].n} applied)`
  } finally {
    await client.close()
  }
}

try {
  const target = process.env.DATABASE_URL
    ? await migratePostgres(process.env.DATABASE_URL)
    : await migratePglite(resolve(process.env.DATA_DIR || '.data'))
  console.log(`[db:migrate] ${journal.entries.length} migration(s) in ${migrationsFolder} -> ${target} in ${Math.round(performance.now() - started)} ms`)
  if (process.env.DATABASE_URL && process.env.SUPABASE_URL) {
    const { applySupabaseSql } = await import('./supabase-apply.mjs')
    await applySupabaseSql(process.env.DATABASE_URL)
  }
} catch (error) {
  console.error('[db:migrate] failed:', error)
  process.exit(1)
}
