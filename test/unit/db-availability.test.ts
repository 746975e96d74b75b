import { createServer } from 'node:net'
import { sql } from 'drizzle-orm'
import { DrizzleQueryError } from 'drizzle-orm/errors'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ERROR_STATUS } from '#shared/errors'
import {
  DatabaseUnavailableError, PROBE_INTERVAL_MS, RETRY_AFTER_MS, isConnectionFailure, isDatabaseDown, reportDatabaseFailure, resetDatabaseBreaker, watchDatabase
} from '../../server/db/availability'
import { getDbHandle, useDb, type Db } from '../../server/db/client'
import { AppError, toErrorBody } from '../../server/utils/errors'

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    }).on('error', reject)
  })
}

/** What a query through drizzle on postgres.js rejects with when the server at `port` refuses connections. */
async function refusedQueryError(port: number): Promise<unknown> {
  const client = postgres(`postgres://chat@127.0.0.1:${port}/chat`, { max: 1, connect_timeout: 1, onnotice: () => {} })
  try {
    return await drizzle(client).execute(sql`select 1`).then(() => null, (error: unknown) => error)
  } finally {
    await client.end({ timeout: 0 })
  }
}

const pgError = (code: string, message: string) => new postgres.PostgresError({ code, message, severity: 'FATAL' } as never)
const wrapped = (cause: Error) => new DrizzleQueryError('insert into messages …', [], cause)

const UNAVAILABLE = { code: 'UNAVAILABLE', message: expect.any(String), details: { retryAfterMs: RETRY_AFTER_MS } }

afterEach(() => {
  resetDatabaseBreaker()
  vi.useRealTimers()
})

describe('database errors become contract errors', () => {
  it('UNAVAILABLE is HTTP 503', () => {
    expect(ERROR_STATUS.UNAVAILABLE).toBe(503)
  })

  it('maps a refused connection, as drizzle on postgres.js reports it, to UNAVAILABLE with retryAfterMs', async () => {
    const port = await closedPort()
    const error = await refusedQueryError(port)
    expect(error).toBeInstanceOf(DrizzleQueryError)
    expect(toErrorBody(error)).toEqual(UNAVAILABLE)
  })

  it('maps a query on an ended pool (CONNECTION_ENDED) to UNAVAILABLE', async () => {
    const client = postgres('postgres://chat@127.0.0.1:1/chat', { max: 1, onnotice: () => {} })
    await client.end({ timeout: 0 })
    const error = await client`select 1`.then(() => null, (e: unknown) => e)
    expect((error as { code?: string }).code).toBe('CONNECTION_ENDED')
    expect(toErrorBody(error)).toEqual(UNAVAILABLE)
  })

  it.each([
    ['CONNECTION_CLOSED'], ['CONNECT_TIMEOUT'], ['CONNECTION_DESTROYED'], ['ECONNRESET']
  ])('maps the driver\'s %s to UNAVAILABLE', (code) => {
    expect(toErrorBody(wrapped(Object.assign(new Error(`write ${code} 127.0.0.1:5432`), { code })))).toEqual(UNAVAILABLE)
  })

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['08P01', 'protocol violation']
  ])('maps server error %s (%s) to UNAVAILABLE', (code, message) => {
    expect(toErrorBody(wrapped(pgError(code, message)))).toEqual(UNAVAILABLE)
  })

  it('keeps statement errors what they were: a unique violation, a syntax error, a serialization failure are not UNAVAILABLE', () => {
    for (const code of ['23505', '42601', '40001', '22P02']) {
      const error = wrapped(pgError(code, 'refused'))
      expect(isConnectionFailure(error)).toBe(false)
      expect(toErrorBody(error)).toEqual({ code: 'INTERNAL', message: 'internal error' })
    }
    expect(toErrorBody(new AppError('CONFLICT', 'taken'))).toEqual({ code: 'CONFLICT', message: 'taken' })
  })

  it('does not take another service\'s refused socket (Redis, an HTTP API) for the database\'s', () => {
    const redisRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', port: 6379 })
    expect(isConnectionFailure(redisRefused, 5432)).toBe(false)
    expect(isConnectionFailure(new TypeError('fetch failed', { cause: redisRefused }), 5432)).toBe(false)
    expect(isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', port: 5432 }), 5432)).toBe(true)
  })
})

describe('circuit breaker', () => {
  it('refuses at once after a connection failure, probes every ~200 ms, and closes on the first probe that succeeds', async () => {
    vi.useFakeTimers()
    let up = false
    const probe = vi.fn(async () => {
      if (!up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', port: 5432 })
    })
    watchDatabase(probe, 5432)
    expect(isDatabaseDown()).toBe(false)

    expect(reportDatabaseFailure(wrapped(pgError('57P01', 'terminating connection due to administrator command')))).toBe(true)
    expect(isDatabaseDown()).toBe(true)
    // More failures while open start no second probe loop.
    reportDatabaseFailure(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))

    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 5 + 10)
    expect(probe).toHaveBeenCalledTimes(5)
    expect(isDatabaseDown()).toBe(true)

    up = true
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS + 10)
    expect(isDatabaseDown()).toBe(false)
    const calls = probe.mock.calls.length
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS * 5)
    expect(probe).toHaveBeenCalledTimes(calls) // closed: no more probing
  })

  it('counts a probe that hangs as failed after its timeout, and probes again', async () => {
    vi.useFakeTimers()
    const probe = vi.fn(() => new Promise<never>(() => {}))
    watchDatabase(probe, 5432)
    reportDatabaseFailure(Object.assign(new Error('write CONNECT_TIMEOUT 10.0.0.1:5432'), { code: 'CONNECT_TIMEOUT' }))
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS + 1900)
    expect(probe).toHaveBeenCalledTimes(1) // still waiting for the first one
    await vi.advanceTimersByTimeAsync(400)
    expect(probe).toHaveBeenCalledTimes(2)
    expect(isDatabaseDown()).toBe(true)
  })

  it('is not armed for an embedded database: the error maps to UNAVAILABLE but nothing is refused afterwards', () => {
    expect(toErrorBody(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))).toEqual(UNAVAILABLE)
    expect(isDatabaseDown()).toBe(false)
  })

  it('useDb() refuses with UNAVAILABLE while open, without touching the client, and hands it out again once closed', async () => {
    vi.useFakeTimers()
    const db = { fake: true } as unknown as Db
    const previous = getDbHandle.peek()
    getDbHandle.set(Promise.resolve({ db, kind: 'postgres' as const, listen: async () => async () => {} }))
    try {
      let up = false
      watchDatabase(async () => {
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
      }, 5432)
      expect(await useDb()).toBe(db)
      reportDatabaseFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      const refused = await useDb().then(() => null, (e: unknown) => e)
      expect(refused).toBeInstanceOf(DatabaseUnavailableError)
      expect(toErrorBody(refused)).toEqual(UNAVAILABLE)
      up = true
      await vi.advanceTimersByTimeAsync(PROBE_INTERVAL_MS + 10)
      expect(await useDb()).toBe(db)
    } finally {
      if (previous) getDbHandle.set(previous)
      else getDbHandle.reset()
    }
  })
})
