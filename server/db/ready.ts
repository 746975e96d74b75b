import { getConfig } from '../utils/config'
import { migrateDatabase } from './migrate'
import { seedDemo } from '../services/seed'

const state = globalThis as unknown as { __chatReady?: Promise<void> }

/** Migrates (and seeds the demo in local sign-in mode) once per process; every request waits for it. */
export function databaseReady(): Promise<void> {
  state.__chatReady ??= migrateDatabase(async (db) => {
    const config = getConfig()
    if (config.seedDemo && !config.supabase) await seedDemo(db)
  })
  return state.__chatReady
}
