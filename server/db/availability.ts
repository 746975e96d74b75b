import { logger } from '../infra/logger'

// The database circuit breaker (DATABASE_URL only: embedded PGlite cannot become unreachable).
// While the server is known to be unreachable, requests that need it are refused at once with
// UNAVAILABLE instead of queueing behind postgres.js reconnects; one background probe (`select 1`)
// closes the breaker as soon as the database answers again. Checking it is one boolean read.

/** How often the probe asks while the database is unreachable. */
export const PROBE_INTERVAL_MS = 100
/** A probe that takes longer than this counts as failed (postgres.js's connect_timeout bounds it too). */
const PROBE_TIMEOUT_MS = 2000
/** What UNAVAILABLE tells clients to wait before retrying. */
export const RETRY_AFTER_MS = 500

type Probe = () => Promise<unknown>

interface BreakerState {
  probe: Probe | null
  /** The database's TCP port, to tell its socket errors from other services'. */
  port: number | null
  open: boolean
  openedAt: number
  timer: ReturnType<typeof setTimeout> | null
}

// On globalThis like the other process-wide singletons (server/infra/lazy.ts): one breaker per process.
const state: BreakerState = ((globalThis as { __chatDbBreaker?: BreakerState }).__chatDbBreaker ??= { probe: null, port: null, open: false, openedAt: 0, timer: null })

/** postgres.js's own connection-level failures (its `Errors.connection` codes). */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT'])
/** Node's socket errors, which postgres.js passes on as they are. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND'])
/** SQLSTATEs of a server going away or not taking connections: admin/crash shutdown, cannot connect now. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03'])

/** Refused without asking the database, because the breaker is open. */
export class DatabaseUnavailableError extends Error {
  constructor() {
    super('the database is unreachable')
    this.name = 'DatabaseUnavailableError'
  }
}

/**
 * True when an error (or one it wraps: drizzle's DrizzleQueryError keeps the driver's error as
 * `cause`) means the database could not be reached, not that a statement was refused. A socket
 * error naming another port (Redis, an HTTP service) is not the database's.
 */
export function isConnectionFailure(error: unknown, databasePort: number | null = state.port): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return true
    const { code, port } = e as { code?: unknown, port?: unknown }
    if (typeof code === 'string') {
      if (DRIVER_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true
      if (SOCKET_CODES.has(code)) return databasePort === null || typeof port !== 'number' || port === databasePort
    }
    e = (e as { cause?: unknown }).cause
  }
  return false
}

/** Arms the breaker for a database that can go away, with the query that tells it is back. */
export function watchDatabase(probe: Probe, port: number | null): void {
  state.probe = probe
  state.port = port
}

/** True while requests that need the database are refused at once. */
export function isDatabaseDown(): boolean {
  return state.open
}

/** Throws DatabaseUnavailableError while the breaker is open: the one check on every useDb(). */
export function assertDatabaseUp(): void {
  if (state.open) throw new DatabaseUnavailableError()
}

/**
 * Notes a failure seen by a request, a job or the health check: a connection-level one opens the
 * breaker (armed databases only) and starts the probe. Returns whether it was connection-level.
 */
export function reportDatabaseFailure(error: unknown): boolean {
  if (!isConnectionFailure(error)) return false
  if (state.probe && !state.open) {
    state.open = true
    state.openedAt = Date.now()
    logger.warn({ err: error }, 'database unreachable: refusing requests that need it until a probe succeeds')
    scheduleProbe()
  }
  return true
}

function scheduleProbe() {
  if (state.timer) return
  state.timer = setTimeout(() => {
    state.timer = null
    void runProbe()
  }, PROBE_INTERVAL_MS)
  state.timer.unref?.()
}

async function runProbe() {
  const probe = state.probe
  if (!probe || !state.open) return
  let timeout: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => { timeout = setTimeout(() => reject(new Error('database probe timed out')), PROBE_TIMEOUT_MS) })
    ])
    state.open = false
    logger.info({ downMs: Date.now() - state.openedAt }, 'database reachable again')
  } catch {
    scheduleProbe()
  } finally {
    clearTimeout(timeout)
  }
}

/** For tests: disarms and closes the breaker. */
export function resetDatabaseBreaker(): void {
  if (state.timer) clearTimeout(state.timer)
  Object.assign(state, { probe: null, port: null, open: false, openedAt: 0, timer: null })
}
