import { randomUUID } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import postgres from 'postgres'
import { startInstance } from '../support/instance.mjs'
import { dropDatabase } from './setup/drop-database'
import { api } from '../support/helpers'

describe('demo users on a real database', () => {
  it('are not seeded with DATABASE_URL unless SEED_DEMO=true: admin@example.com / password does not sign in', { timeout: 120000 }, async () => {
    const { adminDatabaseUrl, dataDir } = inject('services')
    const name = `chat_mig_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    const admin = postgres(adminDatabaseUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}" owner chat`)
    const url = adminDatabaseUrl.replace(/\/[^/]+$/, `/${name}`)
    const server = await startInstance({ env: { DATABASE_URL: url, DATA_DIR: dataDir } })
    try {
      const login = await api(server.url, 'POST', '/api/auth/local/login', { body: { email: 'admin@example.com', password: 'password' } })
      expect(login.status).toBe(401)
      const db = postgres(url, { max: 1, onnotice: () => {} })
      try {
        const [row] = await db<{ n: number }[]>`select count(*)::int as n from profiles`
        expect(row!.n).toBe(0)
      } finally {
        await db.end({ timeout: 5 })
      }
    } finally {
      await server.stop()
      await dropDatabase(admin, name)
      await admin.end({ timeout: 5 })
    }
  })
})
