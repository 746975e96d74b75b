import type { NotificationPayload } from '#shared/events'
import type { PushMessage } from '#shared/push-schemas'
import { lazy } from '../../../infra/lazy'
import { logger } from '../../../infra/logger'
import { publicLink } from '../../../infra/public-url'
import { deliverPush, type PushJob } from './delivery'
import { pushSubscriptionIds } from './subscriptions'
import { vapidDetails } from './vapid'

export { deletePushSubscription, listPushSubscriptions, subscribePush } from './subscriptions'
export { deliverPush, type PushJob } from './delivery'
export { getPushConfig } from './config'

/** Hands one push to the job queue; set by the push jobs plugin at startup. */
export type QueuePush = (jobId: string, job: PushJob) => Promise<void>
const pushQueue = lazy<QueuePush | null>('push-queue', () => null)
/** The push jobs plugin registers the queue at startup (null again at shutdown). */
export const setPushQueue = (next: QueuePush | null) => pushQueue.set(next)

/** The VAPID public key browsers subscribe with (`applicationServerKey`), base64url. */
export async function vapidPublicKey(): Promise<string> {
  return (await vapidDetails()).publicKey
}

/** What the service worker shows: the notifier's title and body (empty without previews), and the link to the message. */
function toPushMessage(payload: NotificationPayload): PushMessage {
  return {
    title: payload.title,
    body: payload.body,
    url: publicLink(payload.url),
    tag: `conversation-${payload.conversationId}`,
    kind: payload.kind,
    conversationId: payload.conversationId,
    messageId: payload.messageId
  }
}

/**
 * Queues a Web Push of `payload` to every push subscription of `userId` (called by the notifier for a
 * member none of whose clients is visible). Never throws.
 */
export async function pushNotification(userId: string, payload: NotificationPayload): Promise<void> {
  try {
    const ids = await pushSubscriptionIds(userId)
    if (ids.length === 0) return
    const message = toPushMessage(payload)
    const queue = pushQueue()
    for (const subscriptionId of ids) {
      const job: PushJob = { subscriptionId, message }
      // One job per device and message: a retry for one device leaves the others alone, and the same push is never queued twice.
      const jobId = `push_${subscriptionId}_${payload.messageId}`
      if (queue) await queue(jobId, job)
      else void deliverPush(job).catch((err: unknown) => logger.warn({ err, subscriptionId }, 'push delivery failed'))
    }
  } catch (err) {
    logger.warn({ err, userId, messageId: payload.messageId }, 'could not queue push notifications')
  }
}
