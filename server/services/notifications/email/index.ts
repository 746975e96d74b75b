import type { NotificationPayload } from '#shared/events'

/**
 * Remembers that `userId` was told of a message, so a missed-activity email can follow if it is still
 * unread after EMAIL_NOTIFY_DELAY_SECONDS. Never throws.
 */
export async function noteMissedActivity(_userId: string, _payload: NotificationPayload): Promise<void> {
  // Filled by the email work (pending rows, delayed batch job).
}
