import { createJobQueue } from '../jobs/queue'
import { deliverPush, getPushConfig, setPushQueue, type PushJob } from '../services/notifications/push'

/**
 * Web Push deliveries: one job per device and message, retried with backoff when the push service
 * is busy or down (BullMQ on Redis, timers in this process otherwise).
 */
export default defineNitroPlugin((nitroApp) => {
  // A malformed PUSH_ALLOWED_ORIGINS, VAPID_SUBJECT or PUBLIC_URL stops the server here, not at the first push.
  getPushConfig()
  const queue = createJobQueue<PushJob>('push-deliveries', deliverPush)
  setPushQueue((jobId, job) => queue.schedule(jobId, job, new Date()))
  nitroApp.hooks.hook('close', async () => {
    setPushQueue(null)
    await queue.close()
  })
})
