import { createJobQueue, logger, serverReady } from '~~/server/admin-surface'
import { runScheduledRetention } from '../services/retention/run'

/** How often retention runs; RETENTION_EVERY_MS overrides (tests, small deployments). */
const EVERY_MS = Number(process.env.RETENTION_EVERY_MS) || 3_600_000
/** The first run, soon after start. */
const FIRST_AFTER_MS = Number(process.env.RETENTION_FIRST_AFTER_MS) || 60_000

/**
 * The retention job: applies every project's policy and purges what left the restore window.
 * Each run is keyed by its time slot, so instances scheduling the same slot add one job (BullMQ),
 * and the run schedules the next slot. The work is idempotent (state-based queries, rows taken
 * with SKIP LOCKED), so a repeated run does nothing twice.
 */
export default defineNitroPlugin((nitroApp) => {
  const slotOf = (at: number) => Math.floor(at / EVERY_MS)
  const queue = createJobQueue<{ slot: number }>('retention', async ({ slot }) => {
    await serverReady()
    try {
      const result = await runScheduledRetention()
      if (result.messages || result.purgedMessages) logger.info({ ...result }, 'retention run')
      else logger.debug({ slot }, 'retention run: nothing to do')
    } finally {
      const next = slot + 1
      await queue.schedule(`retention_${next}`, { slot: next }, new Date(next * EVERY_MS))
    }
  })
  const startedAt = Date.now() + FIRST_AFTER_MS
  void queue.schedule(`retention_start_${slotOf(startedAt)}`, { slot: slotOf(startedAt) }, new Date(startedAt))
    .catch((err: unknown) => logger.warn({ err }, 'could not schedule the retention job'))
  nitroApp.hooks.hook('close', async () => {
    await queue.close()
  })
})
