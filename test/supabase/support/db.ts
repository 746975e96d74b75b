import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'

export const root = join(import.meta.dirname, '..', '..', '..')

/** The cluster of scripts/services-up.sh (same env overrides). */
export const PG = {
  port: Number(process.env.CHAT_PG_PORT ?? 54329),
  socketDir: join(process.env.CHAT_PG_DIR ?? '/var/tmp/chat-pg', 'run'),
  psql: '/usr/lib/postgresql/15/bin/psql',
  /** Plays Supabase's `postgres` role: owns the app tables, is not a superuser. */
  owner: 'chat_supabase',
  ownerPassword: 'chat_supabase'
}

export const databaseUrl = (db: string) => `postgres://${PG.owner}:${PG.ownerPassword}@127.0.0.1:${PG.port}/${db}`

/** Runs SQL through psql as the cluster superuser (peer auth on the unix socket; needs root or postgres). */
export function psqlAsPostgres(sqlText: string, db = 'postgres', vars: Record<string, string> = {}) {
  const args = ['-h', PG.socketDir, '-p', String(PG.port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-f', '-']
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`)
  const isPostgres = process.getuid?.() === Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim())
  const result = isPostgres
    ? spawnSync(PG.psql, args, { input: sqlText, encoding: 'utf8' })
    : spawnSync('runuser', ['-u', 'postgres', '--', PG.psql, ...args], { input: sqlText, encoding: 'utf8', cwd: '/' })
  if (result.status !== 0) throw new Error(`psql as postgres failed (${result.status}): ${result.stderr || result.error}`)
  return result.stdout
}

/**
 * A fresh database shaped like a Supabase project before our SQL: API roles, auth.uid()/auth.jwt(),
 * storage schema, default grants (test/supabase/support/platform.sql). Dropped and recreated each run.
 */
export function createSupabaseLikeDatabase(db: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`bad database name ${db}`)
  psqlAsPostgres(`
    do $$ begin
      if not exists (select from pg_roles where rolname = '${PG.owner}') then
        create role ${PG.owner} login password '${PG.ownerPassword}';
      end if; end $$;
    drop database if exists ${db} with (force);
    create database ${db} owner ${PG.owner};
  `)
  psqlAsPostgres(readFileSync(join(import.meta.dirname, 'platform.sql'), 'utf8'), db, { owner: PG.owner })
  return databaseUrl(db)
}

export function dropDatabase(db: string) {
  psqlAsPostgres(`drop database if exists ${db} with (force);`)
}

/** `npm run db:migrate` equivalent: the drizzle migrations of drizzle/. */
export async function migrateDrizzle(url: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await migrate(drizzle(client), { migrationsFolder: join(root, 'drizzle') })
  } finally {
    await client.end({ timeout: 5 })
  }
}

/** scripts/supabase-apply.mjs, run as a child process exactly as an operator would. */
export function supabaseApply(url: string): string {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'supabase-apply.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: url } })
  if (result.status !== 0) throw new Error(`supabase-apply failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}
