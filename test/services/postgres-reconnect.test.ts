import net from 'node:net'
import { describe, expect, inject, it } from 'vitest'
import postgres from 'postgres'

// Two faults of postgres.js 3.4.9 after a connection dies, fixed by patches/postgres+3.4.9.patch:
// - It flushes small writes on the next check phase. When a connection closed with such a flush
//   pending, it cleared the timer but kept it, so no later write on that connection was ever
//   flushed: its next connect sent no startup message and failed with CONNECT_TIMEOUT, again and
//   again. After a database restart that kept an instance refusing requests for 10–20 s (load:fault).
// - The error the server sent as it closed a connection mid-query (57P01 on a restart) was kept, and
//   given to the first query of the next connection, which had done nothing wrong.
describe('a pool connection the database closed', () => {
  it('one that closed with a write pending connects again and answers the next query', { timeout: 15_000 }, async () => {
    const { adminDatabaseUrl } = inject('services')
    const { hostname, port } = new URL(adminDatabaseUrl)
    const sockets: net.Socket[] = []
    let dropOn: string | null = null
    // `socket` (a connected socket for each connection) is read by postgres.js, not in its types.
    const options = {
      max: 1,
      connect_timeout: 2,
      onnotice: () => {},
      // Called just before the query's bytes are queued: the database "goes away" at that moment.
      debug: (_connection: number, text: string) => {
        if (text === dropOn) sockets.at(-1)?.destroy()
      },
      socket: () => new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(Number(port || 5432), hostname)
        socket.once('connect', () => {
          sockets.push(socket)
          resolve(socket)
        })
        socket.once('error', reject)
      })
    }
    const sql = postgres(adminDatabaseUrl, options)
    try {
      await sql`select 1`
      dropOn = 'select 2'
      // Issued from the check phase, the query's flush waits for the next one; the close comes first.
      const lost = await new Promise<unknown>(resolve => setImmediate(() => resolve(sql`select 2`.then(() => 'answered', (e: { code?: string }) => e.code))))
      expect(lost).toBe('CONNECTION_CLOSED')

      const started = Date.now()
      const [row] = await sql<{ answer: number }[]>`select 3 as answer`
      expect(row?.answer).toBe(3)
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(sockets).toHaveLength(2)
    } finally {
      await sql.end({ timeout: 1 })
    }
  })

  it('a query after the server ended a connection mid-query is answered, not failed with the old error', { timeout: 15_000 }, async () => {
    const { adminDatabaseUrl } = inject('services')
    const sql = postgres(adminDatabaseUrl, { max: 1, connect_timeout: 2, onnotice: () => {} })
    const admin = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} })
    try {
      const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
      const inFlight = sql`select pg_sleep(5)`.then(() => 'answered', (e: { code?: string }) => e.code)
      await new Promise(resolve => setTimeout(resolve, 200))
      await admin`select pg_terminate_backend(${backend!.pid})`
      expect(await inFlight).toBe('CONNECTION_CLOSED')

      const [row] = await sql<{ answer: number }[]>`select 3 as answer`
      expect(row?.answer).toBe(3)
    } finally {
      await Promise.all([sql.end({ timeout: 1 }), admin.end({ timeout: 1 })])
    }
  })
})
