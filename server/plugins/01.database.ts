import { serverReady } from '../services/instance/startup'
import { startAccessFeed, stopAccessFeed } from '../db/access-changes'
import { logger } from '../infra/logger'

/** Starts migrations at boot; the ready middleware holds requests until they finish. Then listens for access changes. */
export default defineNitroPlugin((nitroApp) => {
  serverReady()
    .then(() => startAccessFeed().catch((err: unknown) => logger.warn({ err }, 'access feed: not listening; send checks read the database every time')))
    .catch((error) => {
      logger.fatal({ err: error }, 'database migration failed')
      process.exitCode = 1
    })
  nitroApp.hooks.hook('close', () => stopAccessFeed())
})
