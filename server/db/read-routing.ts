import { logger } from '../infra/logger'
import { useMetrics } from '../infra/metrics'
import { isConnectionFailure } from './availability'
import { getReplicaHandle, useDb, type Db, type ReplicaHandle } from './client'
import { forgetAllWritesUpTo, forgetWritesUpTo, parseLsn, writeMarkerOf } from './write-markers'

// Which database a read goes to when DATABASE_READ_URL names a streaming replica. Reads of someone
// who has not just written go to the replica; a writer's go to the primary until the replica has
// replayed their write (write-markers.ts). A replica that cannot be reached, or that cancels a
// query over a replay conflict, never fails a read: it runs again on the primary, and while the
// replica is down a background probe, not members' requests, finds out when it is back.
// Authorization stays on the primary (callers check access before they call readFor): someone
// just added must not be refused, nor someone just removed let in, by a replica a moment behind.

/** How long one answer of the replica's replay position serves every read that needs it. */
const REPLAY_CACHE_MS = 10
/** How often the probe asks a replica that went away. */
const PROBE_INTERVAL_MS = 500
/** How often the markers the replica has passed are swept out. */
const PRUNE_EVERY_MS = 1000
/** The answer of a server that is not a standby (the primary itself, or a promoted replica): nothing is missing. */
// BigInt() calls, not literals: the dev server compiles for a target that predates them (it warns).
const NOT_A_STANDBY = BigInt(1) << BigInt(64)
/** SQLSTATE of a standby query cancelled because replay needed what it was reading. */
const RECOVERY_CONFLICT = '40001'

interface ReplicaState {
  down: boolean
  replayed: bigint
  replayedAt: number
  asking: Promise<bigint> | null
  prunedAt: number
  probe: ReturnType<typeof setTimeout> | null
}

// On globalThis like the other process-wide singletons (server/infra/lazy.ts).
const state: ReplicaState = ((globalThis as { __chatReplicaState?: ReplicaState }).__chatReplicaState ??= {
  down: false, replayed: BigInt(0), replayedAt: 0, asking: null, prunedAt: 0, probe: null
})

/** Thrown from inside a read that found the replica lacking what the primary has: the read runs again there. */
export class ReplicaBehindError extends Error {
  constructor() {
    super('the replica has not replayed what this read needs')
    this.name = 'ReplicaBehindError'
  }
}

/**
 * Runs `read` on the replica when it may serve `readerId` (read-your-writes), else on the primary;
 * `onReplica` tells which, for reads that check the replica against what the primary said. Without
 * a replica (PGlite, or no DATABASE_READ_URL) it is the primary, as useDb() gives it.
 */
export async function readFor<T>(readerId: string, read: (db: Db, onReplica: boolean) => Promise<T>): Promise<T> {
  const primary = await useDb()
  const replica = await getReplicaHandle()
  if (!replica) return read(primary, false)
  const routed = useMetrics().replicaReads
  if (state.down) {
    routed.inc({ target: 'primary-replica-down' })
    return read(primary, false)
  }
  if (!(await replicaServes(replica, readerId))) {
    routed.inc({ target: state.down ? 'primary-replica-down' : 'primary-own-write' })
    return read(primary, false)
  }
  try {
    const result = await read(replica.db, true)
    routed.inc({ target: 'replica' })
    return result
  } catch (error) {
    if (error instanceof ReplicaBehindError || sqlStateOf(error) === RECOVERY_CONFLICT) {
      routed.inc({ target: 'primary-replica-behind' })
      return read(primary, false)
    }
    if (isConnectionFailure(error, replica.port)) {
      markDown(replica, error)
      routed.inc({ target: 'primary-replica-down' })
      return read(primary, false)
    }
    throw error
  }
}

/** True when the replica has everything this reader wrote (or they wrote nothing lately). */
async function replicaServes(replica: ReplicaHandle, readerId: string): Promise<boolean> {
  const marker = await writeMarkerOf(readerId)
  if (marker === null) return true
  if (marker === 'pending') return false
  let replayed: bigint
  try {
    replayed = await replayedUpTo(replica)
  } catch (error) {
    markDown(replica, error)
    return false
  }
  if (replayed < marker) return false
  forgetWritesUpTo(readerId, replayed)
  return true
}

/** The replica's replay position, asked at most once per REPLAY_CACHE_MS however many reads need it. */
function replayedUpTo(replica: ReplicaHandle): Promise<bigint> {
  // A cached answer is a lower bound of where replay is now (it only moves forward): safe to reuse.
  if (Date.now() - state.replayedAt < REPLAY_CACHE_MS) return Promise.resolve(state.replayed)
  state.asking ??= askReplay(replica).finally(() => { state.asking = null })
  return state.asking
}

async function askReplay(replica: ReplicaHandle): Promise<bigint> {
  const [row] = await replica.sql<{ lsn: string | null }[]>`select pg_last_wal_replay_lsn()::text as lsn`
  const replayed = row?.lsn ? parseLsn(row.lsn) : NOT_A_STANDBY
  const now = Date.now()
  state.replayed = replayed
  state.replayedAt = now
  if (now - state.prunedAt >= PRUNE_EVERY_MS) {
    state.prunedAt = now
    forgetAllWritesUpTo(replayed)
  }
  return replayed
}

function markDown(replica: ReplicaHandle, error: unknown): void {
  if (state.down) return
  state.down = true
  logger.warn({ err: error }, 'read replica unreachable: reading from the primary until it answers again')
  scheduleProbe(replica)
}

function scheduleProbe(replica: ReplicaHandle): void {
  if (state.probe) return
  state.probe = setTimeout(() => {
    state.probe = null
    askReplay(replica).then(() => {
      state.down = false
      logger.info('read replica reachable again')
    }, () => scheduleProbe(replica))
  }, PROBE_INTERVAL_MS)
  state.probe.unref?.()
}

/** The SQLSTATE of a driver error, or of the one a drizzle error wraps as `cause`. */
function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code } = e as { code?: unknown }
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}
