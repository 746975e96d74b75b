#!/usr/bin/env node
// Applies supabase/sql/*.sql (file-name order) to DATABASE_URL: RLS on every app table, the
// security-definer helpers in schema `private`, the policies, and the `attachments` bucket.
// Run it after every `npm run db:migrate` on a Supabase database; every file is idempotent
// (create or replace / drop policy if exists / on conflict), and the whole run is one transaction
// taken under the same advisory lock as the drizzle migrations.
//
// It refuses to run where the Supabase platform objects are missing (roles anon/authenticated/
// service_role, schemas auth and storage): these files are for Supabase only, never for PGlite
// or a plain PostgreSQL. SUPABASE_SQL_DIR overrides the folder.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const sqlDir = resolve(process.env.SUPABASE_SQL_DIR || join(root, 'supabase', 'sql'))
const MIGRATION_LOCK = 727274 // server/db/migrate.ts and scripts/db-migrate.mjs use the same key
const redact = url => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')

export async function applySupabaseSql(url, { log = console.log } = {}) {
  const { default: postgres } = await import('postgres')
  const pooled = /:6543\b/.test(url) || process.env.DATABASE_PREPARE === 'false'
  const sql = postgres(url, { max: 1, onnotice: () => {}, prepare: !pooled, connect_timeout: 15 })
  const files = readdirSync(sqlDir).filter(f => f.endsWith('.sql')).sort()
  try {
    const [platform] = await sql`
      select (select count(*)::int from pg_roles where rolname in ('anon', 'authenticated', 'service_role')) as roles,
             exists (select from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                     where n.nspname = 'auth' and p.proname = 'uid') as auth_uid,
             exists (select from pg_namespace where nspname = 'storage') as storage,
             to_regclass('public.messages') is not null as migrated`
    if (platform.roles !== 3 || !platform.auth_uid || !platform.storage) {
      throw new Error('not a Supabase database (needs roles anon, authenticated, service_role, auth.uid() and schema storage); these policies are for Supabase only')
    }
    if (!platform.migrated) throw new Error('public.messages is missing: run `npm run db:migrate` first')
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`
    try {
      await sql.begin(async (tx) => {
        for (const file of files) {
          await tx.unsafe(readFileSync(join(sqlDir, file), 'utf8'))
          log(`[supabase:apply] ${file}`)
        }
      })
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`
    }
    const open = await sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity order by 1`
    if (open.length) throw new Error(`tables without row level security: ${open.map(r => r.relname).join(', ')}`)
    return files
  } finally {
    await sql.end({ timeout: 5 })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL
  if (!url) {
    console.error('[supabase:apply] DATABASE_URL is not set (use the Supabase direct or session-pooler URL)')
    process.exit(1)
  }
  const started = performance.now()
  try {
    const files = await applySupabaseSql(url)
    console.log(`[supabase:apply] ${files.length} file(s) from ${sqlDir} -> ${redact(url)} in ${Math.round(performance.now() - started)} ms`)
  } catch (error) {
    console.error('[supabase:apply] failed:', error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
