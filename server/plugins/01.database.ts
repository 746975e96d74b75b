import { databaseReady } from '../db/ready'

/** Starts migrations at boot; the ready middleware holds requests until they finish. */
export default defineNitroPlugin(() => {
  databaseReady().catch((error) => {
    console.error('[db] migration failed', error)
    process.exitCode = 1
  })
})
