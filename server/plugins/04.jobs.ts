import { serverReady } from '../services/instance/startup'
import { logger } from '../infra/logger'
import { createJobQueue } from '../jobs/queue'
import { deliverScheduled, pendingScheduled, setScheduledSendQueue } from '../services/messages/scheduled'

/** How often every instance looks for due messages whose job went missing. */
const SWEEP_EVERY_MS = 60_000

/**
 * Background jobs: scheduled sends. Each pending message gets one job keyed by its id and time,
 * so instances adding the same job at once add it once, and a moved message gets a fresh job.
 */
export default defineNitroPlugin((nitroApp) => {
  const sends = createJobQueue<{ id: string }>('scheduled-sends', ({ id }) => deliverScheduled(id))
  const schedule = (id: string, sendAt: Date) => sends.schedule(`${id}_${sendAt.getTime()}`, { id }, sendAt)
  setScheduledSendQueue(schedule)
  const recover = (before?: Date) => serverReady()
    .then(() => pendingScheduled(before))
    .then(rows => Promise.all(rows.map(r => schedule(r.id, r.sendAt))))
    .catch((err: unknown) => logger.warn({ err }, 'could not recover scheduled messages'))
  void recover()
  const sweep = setInterval(() => void recover(new Date(Date.now() - SWEEP_EVERY_MS / 2)), SWEEP_EVERY_MS)
  sweep.unref()
  nitroApp.hooks.hook('close', async () => {
    clearInterval(sweep)
    setScheduledSendQueue(null)
    await sends.close()
  })
})
