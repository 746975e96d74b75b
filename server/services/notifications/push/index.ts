import type { NotificationPayload } from '#shared/events'

/**
 * Queues a Web Push of `payload` to every push subscription of `userId` (called by the notifier for a
 * member none of whose clients is visible). Never throws.
 */
export async function pushNotification(_userId: string, _payload: NotificationPayload): Promise<void> {
  // Filled by the web push work (VAPID, subscriptions, job queue).
}
