import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { logger } from '../infra/logger'
import { getDbHandle, useDb } from './client'

// What the database announces on "chat_access" (migration 0022) when a membership, a role, a
// conversation's rules or a sanction changes, for instances that keep such answers in memory.
// Delivery is in commit order on one connection, so once this instance has received a ping it sent
// itself, it has received every change committed before that ping. While its own pings stop
// arriving (the listening connection lost, the database down, a pooler that drops LISTEN) the
// feed is not live and nobody may answer from memory.

/** One announced change; `all`: changes may have been missed, so forget everything. */
export type AccessChange = { kind: 'participant', conversationId: string, userId: string } | { kind: 'conversation', conversationId: string }
  | { kind: 'user', userId: string } | { kind: 'all' }

const CHANNEL = 'chat_access'
const PING_EVERY_MS = 1_000
/** Past this without one of its own pings, the feed is not live: the bound on how stale memory can be. */
const LIVE_FOR_MS = 3_000

const subscribers = new Set<(change: AccessChange) => void>()
const token = randomUUID()
let lastOwnPingAt = 0
let live = false
let pings = 0
let timer: NodeJS.Timeout | undefined
let unlisten: (() => Promise<void>) | undefined

/** Runs `fn` for every access change; returns a function that stops it. */
export function onAccessChange(fn: (change: AccessChange) => void): () => void {
  subscribers.add(fn)
  return () => subscribers.delete(fn)
}

function emit(change: AccessChange) {
  for (const fn of subscribers) fn(change)
}

/** Whether every access change committed until a moment ago has reached this instance. */
export function accessFeedLive(now = Date.now()): boolean {
  const fresh = now - lastOwnPingAt < LIVE_FOR_MS
  if (live && !fresh) {
    live = false
    emit({ kind: 'all' })
  }
  return live && fresh
}

/** Reads one payload of the channel (exported for tests). */
export function parseAccessChange(payload: string): AccessChange | 'own-ping' | null {
  const [kind, a, b] = payload.split(':')
  if (kind === 'p' && a && b) return { kind: 'participant', conversationId: a, userId: b }
  if (kind === 'c' && a) return { kind: 'conversation', conversationId: a }
  if (kind === 'u' && a) return { kind: 'user', userId: a }
  if (kind === 'ping') return a === token ? 'own-ping' : null
  return null
}

function received(payload: string) {
  const change = parseAccessChange(payload)
  if (change === 'own-ping') {
    lastOwnPingAt = Date.now()
    live = true
  } else if (change) {
    emit(change)
  }
}

async function ping() {
  try {
    // useDb() refuses at once while the breaker is open: no ping adds to the pool's reconnects
    // during an outage (memory is off then anyway, since no ping comes back).
    const db = await useDb()
    await db.execute(sql`select pg_notify(${CHANNEL}, ${`ping:${token}:${++pings}`})`)
  } catch {
    // The database is unreachable: pings stop arriving and the feed stops being live on its own.
  }
}

/** Listens on the channel and pings it; until the first ping comes back the feed is not live. */
export async function startAccessFeed(): Promise<void> {
  if (timer) return
  const handle = await getDbHandle()
  unlisten = await handle.listen(CHANNEL, received, () => {
    // A new listening connection: whatever was committed while there was none went unheard.
    live = false
    emit({ kind: 'all' })
    void ping()
  })
  timer = setInterval(() => void ping(), PING_EVERY_MS)
  timer.unref()
}

export async function stopAccessFeed(): Promise<void> {
  clearInterval(timer)
  timer = undefined
  live = false
  emit({ kind: 'all' })
  await unlisten?.().catch((err: unknown) => logger.warn({ err }, 'access feed: unlisten failed'))
  unlisten = undefined
}
