import { serverReady } from '../services/instance/startup'
import { logger } from '../infra/logger'

/** Starts migrations at boot; the ready middleware holds requests until they finish. */
export default defineNitroPlugin(() => {
  serverReady().catch((error) => {
    logger.fatal({ err: error }, 'database migration failed')
    process.exitCode = 1
  })
})
