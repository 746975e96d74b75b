import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getConfig } from '../utils/config'
import { getDbHandle, type Db } from './client'

/** Finds drizzle-kit's migrations: beside the built server (`migrations/`) or in the source tree (`drizzle/`). */
export function findMigrationsFolder(): string {
  const candidates: string[] = []
  if (process.env.MIGRATIONS_DIR) candidates.push(resolve(process.env.MIGRATIONS_DIR))
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    candidates.push(join(dir, 'migrations'), join(dir, 'drizzle'))
    dir = dirname(dir)
  }
  // Nitro rewrites import.meta.url in the bundle; the entry script's folder holds the shipped copy.
  if (process.argv[1]) candidates.push(join(dirname(resolve(process.argv[1])), 'migrations'))
  candidates.push(resolve('drizzle'))
  const found = candidates.find(c => existsSync(join(c, 'meta', '_journal.json')))
  if (!found) throw new Error(`drizzle migrations not found (looked in ${candidates.join(', ')})`)
  return found
}

/**
 * Applies pending migrations, then runs `afterMigrate` while still holding the lock, so several
 * instances starting together neither race on DDL nor seed twice.
 */
export async function migrateDatabase(afterMigrate?: (db: Db) => Promise<void>): Promise<void> {
  const migrationsFolder = findMigrationsFolder()
  const handle = await getDbHandle()
  if (handle.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator')
    await migrate(handle.db as never, { migrationsFolder })
    if (afterMigrate) await afterMigrate(handle.db)
    return
  }
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate } = await import('drizzle-orm/postgres-js/migrator')
  // One connection, so the advisory lock is held by the session that runs the DDL.
  const client = postgres(getConfig().databaseUrl!, { max: 1, onnotice: () => {}, prepare: false })
  try {
    await client`select pg_advisory_lock(727274)`
    await migrate(drizzle(client), { migrationsFolder })
    if (afterMigrate) await afterMigrate(handle.db)
    await client`select pg_advisory_unlock(727274)`
  } finally {
    await client.end({ timeout: 5 })
  }
}
