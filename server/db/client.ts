import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { Sql } from 'postgres'
import * as schema from './schema'
import { getConfig } from '../utils/config'
import { lazy } from '../infra/lazy'
import { assertDatabaseUp, watchDatabase } from './availability'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

/** Subscribes to NOTIFY on a channel: `onListen` runs each time the subscription is (re)established. */
export type Listen = (channel: string, onNotify: (payload: string) => void, onListen: () => void) => Promise<() => Promise<void>>

interface DbHandle {
  db: Db
  kind: 'pglite' | 'postgres'
  listen: Listen
}

/** A postgres.js pool as every instance opens one, for the primary and for the read replica alike. */
async function connectPostgres(url: string): Promise<{ client: Sql, db: Db, size: number }> {
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  // The Supabase transaction pooler (port 6543) does not keep prepared statements between transactions.
  const pooled = /:6543\b/.test(url) || process.env.DATABASE_PREPARE === 'false'
  const size = Number(process.env.DATABASE_POOL_SIZE ?? 10)
  const client = postgres(url, {
    max: size,
    prepare: !pooled,
    onnotice: () => {},
    // Seconds. A database that does not answer fails the request in 2 s, not postgres.js's 30.
    connect_timeout: 2,
    // Seconds before a closed connection may connect again. postgres.js's default grows with every
    // failed attempt up to 20 s, which kept requests queued long after a restarted database was
    // back; the breaker (availability.ts) is what keeps a down database from being hammered.
    backoff: (retries: number) => Math.min(0.05 * retries, 0.2),
    // Connections left idle are closed, so a pool never hands out many connections a restart or a
    // network change quietly killed.
    idle_timeout: 120
  })
  return { client, db: drizzle(client, { schema }) as unknown as Db, size }
}

async function open(): Promise<DbHandle> {
  const config = getConfig()
  if (config.databaseUrl) {
    const { client, db, size } = await connectPostgres(config.databaseUrl)
    watchDatabase(() => probePool(client, size), databasePort(config.databaseUrl))
    // postgres.js listens on a connection of its own and listens again after a reconnect.
    const listen: Listen = async (channel, onNotify, onListen) => {
      const { unlisten } = await client.listen(channel, onNotify, onListen)
      return unlisten
    }
    return { db, kind: 'postgres', listen }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const { drizzle } = await import('drizzle-orm/pglite')
  mkdirSync(config.dataDir, { recursive: true })
  // Message search indexes the text with pg_trgm (partial words, CJK): the migrations create it.
  const client = await PGlite.create(join(config.dataDir, 'pglite'), { extensions: { pg_trgm } })
  const listen: Listen = async (channel, onNotify, onListen) => {
    const unlisten = await client.listen(channel, onNotify)
    onListen()
    return () => unlisten()
  }
  return { db: drizzle(client, { schema }) as unknown as Db, kind: 'pglite', listen }
}

/** The process-wide database handle: PGlite under DATA_DIR, or Postgres when DATABASE_URL is set. */
export const getDbHandle = lazy('db', open)

/** The database, or DatabaseUnavailableError (UNAVAILABLE) at once while the breaker says it is down. */
export async function useDb(): Promise<Db> {
  const { db } = await getDbHandle()
  assertDatabaseUp()
  return db
}

/** The streaming replica's pool (DATABASE_READ_URL); `sql` asks it where its replay stands. */
export interface ReplicaHandle {
  db: Db
  sql: Sql
  /** Its TCP port, to tell its socket errors from the primary's. */
  port: number | null
}

/**
 * The read replica, or null without DATABASE_READ_URL (PGlite included): every read then goes to
 * the primary. Routing between the two lives in read-routing.ts; nothing else should reach for it.
 */
export const getReplicaHandle = lazy('db-replica', async (): Promise<ReplicaHandle | null> => {
  const url = getConfig().databaseReadUrl
  if (!url) return null
  const { client, db } = await connectPostgres(url)
  return { db, sql: client, port: databasePort(url) }
})

/**
 * The breaker's probe: the database answers, and so does every connection of the pool. A round
 * over every connection meets here whatever a restart left on one (postgres.js 3.4.9 kept the
 * server's last error, 57P01, for the next query, until patches/postgres+3.4.9.patch), so the
 * requests let through when the breaker closes do not.
 */
async function probePool(client: Sql, size: number): Promise<void> {
  await client`select 1`
  for (let round = 0; round < 3; round++) {
    const failed = (await Promise.allSettled(Array.from({ length: size }, () => client`select 1`))).find(r => r.status === 'rejected')
    if (!failed) return
    if (round === 2) throw failed.reason
  }
}

/** The TCP port of a postgres URL (5432 when it names none); null for a URL that names several hosts. */
function databasePort(url: string): number | null {
  try {
    return Number(new URL(url).port || 5432)
  } catch {
    return null
  }
}

/** Rows of a raw `db.execute()`: postgres.js returns them as an array, PGlite under `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? [])
}
