import { sql } from 'drizzle-orm'
import { getDbHandle } from '../../db/client'
import { getRedis } from '../../infra/redis'
import { checkStorage } from '../../infra/storage'

type Check = { status: 'ok' | 'error' | 'disabled', kind?: string, latencyMs?: number, error?: string }

async function timed(run: () => Promise<unknown>): Promise<Check> {
  const started = performance.now()
  try {
    await run()
    return { status: 'ok', latencyMs: Math.round((performance.now() - started) * 100) / 100 }
  } catch (error) {
    return { status: 'error', error: error instanceof Error ? error.message : String(error) }
  }
}

/** Liveness of the engines this instance depends on. */
export async function checkHealth(): Promise<{ status: 'ok' | 'degraded', db: Check, redis: Check, storage: Check }> {
  const handle = await getDbHandle()
  const db = { ...(await timed(() => handle.db.execute(sql`select 1`))), kind: handle.kind }
  const redisClient = getRedis()
  const redis = redisClient ? await timed(() => redisClient.ping()) : { status: 'disabled' as const, kind: 'memory' }
  const storage = await checkStorage()
  return { status: db.status === 'ok' && redis.status !== 'error' && storage.status === 'ok' ? 'ok' : 'degraded', db, redis, storage }
}
