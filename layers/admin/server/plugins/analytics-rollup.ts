import { logger, serverReady, useDb } from '~~/server/admin-surface'
import { foldAll } from '../services/analytics/rollup'

/** How often the rollup folds new messages, so the tail an analytics read folds first stays small. */
const FOLD_EVERY_MS = Number(process.env.ANALYTICS_FOLD_EVERY_MS ?? 60_000)

/**
 * A timer on every instance rather than a queued job: folds are idempotent and serialized per
 * project by an advisory lock, so two instances folding at once only cost one of them a wait.
 */
export default defineNitroPlugin((nitroApp) => {
  if (!(FOLD_EVERY_MS > 0)) return
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await serverReady()
      await foldAll(await useDb())
    } catch (err) {
      logger.warn({ err }, 'analytics fold failed')
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), FOLD_EVERY_MS)
  timer.unref()
  nitroApp.hooks.hook('close', () => clearInterval(timer))
})
