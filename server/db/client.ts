import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as schema from './schema'
import { getConfig } from '../utils/config'
import { lazy } from '../infra/lazy'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

interface DbHandle {
  db: Db
  kind: 'pglite' | 'postgres'
}

async function open(): Promise<DbHandle> {
  const config = getConfig()
  if (config.databaseUrl) {
    const { default: postgres } = await import('postgres')
    const { drizzle } = await import('drizzle-orm/postgres-js')
    // The Supabase transaction pooler (port 6543) does not keep prepared statements between transactions.
    const pooled = /:6543\b/.test(config.databaseUrl) || process.env.DATABASE_PREPARE === 'false'
    const client = postgres(config.databaseUrl, {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      prepare: !pooled,
      onnotice: () => {}
    })
    return { db: drizzle(client, { schema }) as unknown as Db, kind: 'postgres' }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  mkdirSync(config.dataDir, { recursive: true })
  const client = await PGlite.create(join(config.dataDir, 'pglite'))
  return { db: drizzle(client, { schema }) as unknown as Db, kind: 'pglite' }
}

/** The process-wide database handle: PGlite under DATA_DIR, or Postgres when DATABASE_URL is set. */
export const getDbHandle = lazy('db', open)

export async function useDb(): Promise<Db> {
  return (await getDbHandle()).db
}

/** Rows of a raw `db.execute()`: postgres.js returns them as an array, PGlite under `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? [])
}
