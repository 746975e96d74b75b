import { migrateDatabase } from '../../db/migrate'
import { lazy } from '../../infra/lazy'
import { getConfig } from '../../utils/config'
import { seedDemo } from './seed'

/**
 * Migrates (and seeds the demo in local sign-in mode) once per process; every request waits for
 * it. The seed runs inside the migration lock, so instances starting together seed once.
 */
export const serverReady = lazy('server-ready', () => migrateDatabase(async (db) => {
  const config = getConfig()
  if (config.seedDemo && !config.supabase) await seedDemo(db)
}))
