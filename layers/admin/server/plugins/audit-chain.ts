import { logger, serverReady, useDb } from '~~/server/admin-surface'
import { chainUnchainedAudit } from '../services/audit/chain'

/**
 * Entries written before the hash chain existed join it once, after migrations; every instance
 * may try, the append lock makes the second a no-op.
 */
export default defineNitroPlugin(() => {
  void serverReady()
    .then(async () => chainUnchainedAudit(await useDb()))
    .then((n) => { if (n) logger.info({ entries: n }, 'audit entries joined the hash chain') })
    .catch((err: unknown) => logger.warn({ err }, 'could not chain earlier audit entries'))
})
