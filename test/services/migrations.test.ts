import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import postgres from 'postgres'
import { startInstance, type Instance } from '../support/instance.mjs'
import { logIn } from '../support/helpers'
import { dropDatabase } from './setup/drop-database'

const root = join(import.meta.dirname, '..', '..')
const journal = JSON.parse(readFileSync(join(root, 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }

function migrateScript(databaseUrl: string): Promise<{ code: number | null, out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'db-migrate.mjs')], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d })
    child.stderr.on('data', (d: Buffer) => { out += d })
    child.on('exit', code => resolve({ code, out }))
  })
}

describe('migrations on a shared Postgres', () => {
  it('two instances and db:migrate starting at the same moment on an empty database do not conflict', { timeout: 180000 }, async () => {
    const { adminDatabaseUrl, dataDir } = inject('services')
    const name = `chat_mig_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    const admin = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}" owner chat`)
    const url = adminDatabaseUrl.replace(/\/[^/]+$/, `/${name}`)
    const servers: Instance[] = []
    try {
      // No REDIS_URL: this test is about the database only, and must not talk to the suite's instances.
      const env = { DATABASE_URL: url, DATA_DIR: dataDir, SEED_DEMO: 'true' }
      const [one, two, script] = await Promise.allSettled([startInstance({ env }), startInstance({ env }), migrateScript(url)])
      for (const r of [one, two]) if (r.status === 'fulfilled') servers.push(r.value)
      if (one.status === 'rejected') throw one.reason
      if (two.status === 'rejected') throw two.reason
      expect(script.status === 'fulfilled' && script.value.code).toBe(0)

      const db = postgres(url, { max: 1, onnotice: () => {} })
      try {
        const count = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n
        expect(await count(db`select count(*)::int as n from drizzle.__drizzle_migrations`)).toBe(journal.entries.length)
        // Seeded once, not once per instance.
        expect(await count(db`select count(*)::int as n from profiles where email = 'admin@example.com'`)).toBe(1)
        expect(await count(db`select count(*)::int as n from projects where name = 'Demo'`)).toBe(1)
      } finally {
        await db.end({ timeout: 5 })
      }
      for (const s of servers) await logIn('alice@example.com', 'password', s.url)

      // A restart on the migrated database is a no-op.
      await Promise.all(servers.splice(0).map(s => s.stop()))
      servers.push(await startInstance({ env }))
      await logIn('bob@example.com', 'password', servers[0]!.url)
    } finally {
      await Promise.all(servers.map(s => s.stop()))
      await dropDatabase(admin, name)
      await admin.end({ timeout: 5 })
    }
  })
})
