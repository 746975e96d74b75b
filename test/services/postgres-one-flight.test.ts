import net from 'node:net'
import { sql as dsql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { describe, expect, inject, it } from 'vitest'

// drizzle runs every statement it was not asked to prepare by name as an unnamed one. postgres.js
// 3.4.9 sent each of those in two flights (parse and describe, wait, then bind and execute) to learn
// the parameters' types; patches/postgres+3.4.9.patch sends plain values in one, as libpq does. A
// search made ~10 such statements, so that was ~10 round trips of waiting per request.
describe('an unnamed statement with parameters', () => {
  async function counted() {
    const { adminDatabaseUrl } = inject('services')
    const { hostname, port } = new URL(adminDatabaseUrl)
    const flights = { n: 0 }
    const client = postgres(adminDatabaseUrl, {
      max: 1,
      onnotice: () => {},
      // `socket` (a connected socket for each connection) is read by postgres.js, not in its types.
      ...{
        socket: () => new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(Number(port || 5432), hostname)
          const write = socket.write.bind(socket) as (chunk: Uint8Array) => boolean
          socket.write = ((chunk: Uint8Array) => {
            flights.n++
            return write(chunk)
          }) as typeof socket.write
          socket.once('connect', () => resolve(socket))
          socket.once('error', reject)
        })
      }
    })
    return { client, db: drizzle(client), flights }
  }

  it('goes out in one flight when its values are plain, and reads them with the types the statement gives them', async () => {
    const { client, db, flights } = await counted()
    try {
      await db.execute(dsql`select 1`)
      const before = flights.n
      const [row] = await db.execute<{ t: string, n: number, b: boolean, j: { a: number }, at: string }>(dsql`select ${'it\'s'}::text as t,
        ${41}::int + 1 as n, ${'true'}::boolean as b, ${'{"a":1}'}::jsonb as j, ${'2026-01-02T03:04:05.000Z'}::timestamptz = '2026-01-02 03:04:05+00' as at`)
      expect(flights.n - before).toBe(1)
      expect(row).toEqual({ t: 'it\'s', n: 42, b: true, j: { a: 1 }, at: true })
    } finally {
      await client.end({ timeout: 1 })
    }
  })

  it('still learns the types first when a value is an array, and serializes it as one', async () => {
    const { client, flights } = await counted()
    try {
      await client`select 1`
      const before = flights.n
      const [row] = await client.unsafe<{ n: number }[]>('select cardinality($1::text[]) as n', [['a', 'b,c', 'd']])
      expect(row?.n).toBe(3)
      expect(flights.n - before).toBe(2)
    } finally {
      await client.end({ timeout: 1 })
    }
  })

  it('refuses bad input in its one flight and leaves the connection usable', async () => {
    const { client, db } = await counted()
    try {
      // 22P02: invalid_text_representation, the database's own answer (drizzle wraps it as the cause).
      await expect(db.execute(dsql`select ${'not a number'}::int`)).rejects.toMatchObject({ cause: { code: '22P02' } })
      const [row] = await db.execute<{ n: number }>(dsql`select ${7}::int as n`)
      expect(row?.n).toBe(7)
    } finally {
      await client.end({ timeout: 1 })
    }
  })
})
