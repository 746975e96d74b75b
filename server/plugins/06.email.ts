import { serverReady } from '../services/instance/startup'
import { logger } from '../infra/logger'
import { closeMail } from '../infra/mail/send'
import { createJobQueue } from '../jobs/queue'
import { sendMissedActivity, usersWithPending } from '../services/notifications/email/batch'
import { scheduleMissedActivity, setMissedActivityQueue, type MissedActivityJob } from '../services/notifications/email/queue'

/** How often every instance makes sure each waiting notification has its job (jobs of the in-process queue die with it). */
const SWEEP_EVERY_MS = 5 * 60_000

/** Missed-activity emails: one delayed batch job per user (see services/notifications/email/queue.ts). */
export default defineNitroPlugin((nitroApp) => {
  const batches = createJobQueue<MissedActivityJob>('missed-activity-emails', sendMissedActivity)
  setMissedActivityQueue((jobId, job, runAt) => batches.schedule(jobId, job, runAt))
  const recover = () => serverReady()
    .then(usersWithPending)
    .then(users => Promise.all(users.map(userId => scheduleMissedActivity(userId))))
    .catch((err: unknown) => logger.warn({ err }, 'could not recover missed-activity email jobs'))
  void recover()
  const sweep = setInterval(() => void recover(), SWEEP_EVERY_MS)
  sweep.unref()
  nitroApp.hooks.hook('close', async () => {
    clearInterval(sweep)
    setMissedActivityQueue(null)
    await batches.close()
    closeMail()
  })
})
