import { sql } from 'drizzle-orm'
import { Cluster } from 'ioredis'
import { isDatabaseDown, reportDatabaseFailure } from '../../db/availability'
import { getDbHandle, getReplicaHandle, rowsOf } from '../../db/client'
import { parseLsn } from '../../db/write-markers'
import { getRedis, type RedisClient } from '../../infra/redis'
import { checkStorage } from '../../infra/storage'

type Check = { status: 'ok' | 'error' | 'disabled', kind?: string, latencyMs?: number, error?: string, behindBytes?: number }

/** A probe slower than this reports the engine down: health must answer within a second or two. */
const CHECK_TIMEOUT_MS = 1500

async function timed(run: () => Promise<unknown>): Promise<Check> {
  const started = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS) })
    ])
    return { status: 'ok', latencyMs: Math.round((performance.now() - started) * 100) / 100 }
  } catch (error) {
    return { status: 'error', error: error instanceof Error ? error.message : String(error) }
  } finally {
    clearTimeout(timer)
  }
}

/** The database's check: down at once while the breaker is open, else `select 1` (whose connection failure opens it). */
async function checkDatabase(): Promise<Check> {
  const handle = await getDbHandle()
  if (isDatabaseDown()) return { status: 'error', kind: handle.kind, error: 'the database is unreachable' }
  return { ...(await timed(() => handle.db.execute(sql`select 1`).catch((error: unknown) => {
    reportDatabaseFailure(error)
    throw error
  }))), kind: handle.kind }
}

/**
 * The read replica (DATABASE_READ_URL): that it answers, and how many bytes of the primary's WAL it
 * has still to replay. Informative only: while it is down or behind, reads go to the primary
 * (read-routing.ts), so it never makes the instance unhealthy.
 */
async function checkReplica(): Promise<Check> {
  const replica = await getReplicaHandle()
  if (!replica) return { status: 'disabled' }
  let behindBytes: number | undefined
  const check = await timed(async () => {
    const [replayed] = await replica.sql<{ lsn: string | null }[]>`select pg_last_wal_replay_lsn()::text as lsn`
    if (!replayed?.lsn || isDatabaseDown()) return
    const [written] = rowsOf<{ lsn: string }>(await (await getDbHandle()).db.execute(sql`select pg_current_wal_lsn()::text as lsn`))
    if (written) behindBytes = Math.max(0, Number(parseLsn(written.lsn) - parseLsn(replayed.lsn)))
  })
  return { ...check, kind: 'replica', ...(behindBytes === undefined ? {} : { behindBytes }) }
}

/**
 * Redis answers. On a cluster every master must, and the cluster must call itself ok: a shard that
 * is down takes its slots' keys (limits, presence, a queue) and sharded channels with it.
 */
async function pingRedis(client: RedisClient): Promise<void> {
  if (!(client instanceof Cluster)) {
    await client.ping()
    return
  }
  const state = /cluster_state:(\w+)/.exec(await client.cluster('INFO'))?.[1]
  if (state !== 'ok') throw new Error(`cluster_state:${state ?? 'unknown'}`)
  await Promise.all(client.nodes('master').map(node => node.ping()))
}

/** Liveness of the engines this instance depends on. */
export async function checkHealth(): Promise<{ status: 'ok' | 'degraded', db: Check, replica: Check, redis: Check, storage: Check }> {
  const redisClient = getRedis()
  const [db, replica, redis, storage] = await Promise.all([
    checkDatabase(),
    checkReplica(),
    redisClient ? timed(() => pingRedis(redisClient)).then(check => redisClient instanceof Cluster ? { ...check, kind: 'cluster' } : check) : Promise.resolve({ status: 'disabled' as const, kind: 'memory' }),
    checkStorage()
  ])
  return { status: db.status === 'ok' && redis.status !== 'error' && storage.status === 'ok' ? 'ok' : 'degraded', db, replica, redis, storage }
}
