import { logger } from '../infra/logger'
import { automodCheck } from '../services/moderation/automod/engine'
import { listenForRuleChanges, stopListening } from '../services/moderation/automod/invalidation'
import { registerContentCheck } from '../services/moderation/posting-policy'

/** Automod joins the posting policy, and this instance listens for rule changes made on any instance. */
export default defineNitroPlugin((nitroApp) => {
  const unregister = registerContentCheck(automodCheck)
  void listenForRuleChanges().catch((err: unknown) => logger.warn({ err }, 'automod: could not subscribe to rule changes'))
  nitroApp.hooks.hook('close', async () => {
    unregister()
    await stopListening()
  })
})
