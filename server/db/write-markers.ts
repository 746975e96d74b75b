import { sql } from 'drizzle-orm'
import { getConfig } from '../utils/config'
import { getRedis } from '../infra/redis'
import { logger } from '../infra/logger'
import { rowsOf, useDb } from './client'

// Read-your-writes with a read replica: after a member's write, where the primary's WAL stood once
// it had committed. Their reads go to the primary until the replica has replayed that far (see
// read-routing.ts); everyone else's go to the replica at once.
//
// The send path pays nothing per message: marking is a map update, and the position is asked for
// once for all the writes noted in one turn of the event loop (a group-commit batch acks its
// senders in one turn), after their acks, with at most one such query in flight. Until it
// answers, the writer's reads simply go to the primary. The commit's own LSN is not exposed, so
// the primary's insert position, read after the commit, stands in for it: always at or past the
// commit's end, whatever synchronous_commit says (the write and flush positions are not). Where
// the commit ended on a page boundary it points past the next page's header, which replay reaches
// only with the next record: on an idle primary that writer reads from the primary a little longer
// (the standby snapshot the primary logs every 15 s bounds it).
//
// Markers live in this process, and in Redis when it is configured: a member's socket (where
// sends usually arrive) is on one instance, but their history and search requests go over HTTP
// and a load balancer may hand them to any instance, whose history page would then replace the
// acked message in their timeline with a page that lacks it. In Redis that costs one round trip
// per position query (a script call per writer in it, auto-pipelined; none before any ack) and one GET per
// read that may go to the replica: far less than the read's own queries, and none for a writer
// still waiting for their position. Between an ack and that script (a query and a Redis round
// trip, a millisecond or two) another instance does not know yet.

/** How long a marker lives in Redis: past it, a replica this far behind serves the writer stale reads. */
const REDIS_TTL_MS = 60_000
/** A write whose position could not be asked for (primary trouble) keeps its writer on the primary this long. */
const UNKNOWN_TTL_MS = 30_000
const redisKey = (userId: string) => `chat:ryw:${userId}`

interface Marker {
  /** The highest position known for this writer's writes. */
  lsn: bigint
  /** Writes whose position is still being asked for: while any, the writer reads the primary. */
  pending: number
  pendingSince: number
}

const markers = new Map<string, Marker>()
/** Writes noted since the position query in flight started: the next query covers them. */
let noted = new Map<string, number>()
let querying = false
let scheduled = false

/** A pg_lsn (`16/B374D848`) as a number that orders like it. */
export function parseLsn(text: string): bigint {
  const [hi = '0', lo = '0'] = text.split('/')
  return (BigInt(`0x${hi}`) << BigInt(32)) | BigInt(`0x${lo}`)
}

// Zero-padded hex orders as the number does, so Redis (Lua strings) can keep the highest of two.
const lsnKey = (lsn: bigint) => lsn.toString(16).padStart(16, '0')
const KEEP_HIGHEST = `local held = redis.call('GET', KEYS[1])
if (not held) or held < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`

/** Notes that `userId` has just committed a write; call it before the write is acknowledged. No-op without a read replica. */
export function noteWrite(userId: string): void {
  if (!getConfig().databaseReadUrl) return
  const marker = markers.get(userId) ?? { lsn: BigInt(0), pending: 0, pendingSince: 0 }
  marker.pending++
  marker.pendingSince = Date.now()
  markers.set(userId, marker)
  noted.set(userId, (noted.get(userId) ?? 0) + 1)
  if (!scheduled && !querying) {
    scheduled = true
    setImmediate(askPosition)
  }
}

async function askPosition(): Promise<void> {
  scheduled = false
  if (querying || noted.size === 0) return
  querying = true
  const batch = noted
  noted = new Map()
  try {
    const db = await useDb()
    const [row] = rowsOf<{ lsn: string }>(await db.execute(sql`select pg_current_wal_insert_lsn()::text as lsn`))
    const lsn = parseLsn(row!.lsn)
    for (const [userId, count] of batch) {
      const marker = markers.get(userId)
      if (!marker) continue
      if (lsn > marker.lsn) marker.lsn = lsn
      marker.pending = Math.max(0, marker.pending - count)
    }
    shareMarkers(batch.keys(), lsn)
  } catch (error) {
    // The pending counts stay: those writers read the primary until UNKNOWN_TTL_MS passes.
    logger.warn({ err: error }, 'read-your-writes: could not read the primary WAL position')
  } finally {
    querying = false
    if (noted.size > 0) {
      scheduled = true
      setImmediate(askPosition)
    }
  }
}

function shareMarkers(userIds: Iterable<string>, lsn: bigint): void {
  const redis = getRedis()
  if (!redis || redis.status !== 'ready') return
  for (const userId of userIds) {
    redis.eval(KEEP_HIGHEST, 1, redisKey(userId), lsnKey(lsn), REDIS_TTL_MS).catch((error: unknown) => {
      logger.debug({ err: error }, 'read-your-writes: marker not shared')
    })
  }
}

/**
 * What this reader's last writes need from the replica: 'pending' while their position is still
 * being asked for (read the primary), a position the replica must have replayed, or null (none).
 */
export async function writeMarkerOf(userId: string): Promise<bigint | 'pending' | null> {
  const marker = markers.get(userId)
  if (marker && marker.pending > 0) {
    if (Date.now() - marker.pendingSince < UNKNOWN_TTL_MS) return 'pending'
    marker.pending = 0
  }
  // Redis too when this instance knows a position: a later write may have gone through another instance.
  const local = marker && marker.lsn > BigInt(0) ? marker.lsn : null
  const shared = await sharedMarkerOf(userId)
  if (local === null || shared === null) return local ?? shared
  return local > shared ? local : shared
}

/** A Redis that does not answer in this long is treated as away. */
const REDIS_WAIT_MS = 100

async function sharedMarkerOf(userId: string): Promise<bigint | null> {
  const redis = getRedis()
  // Redis away: only this instance's markers count. Sending every reader to the primary instead
  // would move all read load onto it exactly while another engine is in trouble.
  if (!redis || redis.status !== 'ready') return null
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const held = await Promise.race([
      redis.get(redisKey(userId)),
      new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), REDIS_WAIT_MS) })
    ])
    return held ? BigInt(`0x${held}`) : null
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

/** The replica has replayed `upTo`: markers at or below it are done with (Redis ones expire by themselves). */
export function forgetWritesUpTo(userId: string, upTo: bigint): void {
  const marker = markers.get(userId)
  if (marker && marker.pending === 0 && marker.lsn <= upTo) markers.delete(userId)
}

/** Drops every marker the replica has passed, so writers who never read again do not stay in memory. */
export function forgetAllWritesUpTo(upTo: bigint): void {
  const now = Date.now()
  for (const [userId, marker] of markers) {
    const settled = marker.pending === 0 || now - marker.pendingSince >= UNKNOWN_TTL_MS
    if (settled && marker.lsn <= upTo) markers.delete(userId)
  }
}
