import webpush from 'web-push'
import type { PushMessage } from '#shared/push-schemas'
import { logger } from '../../../infra/logger'
import { BlockedAddressError, outboundRequest } from '../../../infra/outbound-http'
import { getPushConfig } from './config'
import { checkPushEndpoint } from './endpoint-policy'
import { dropPushSubscription, findPushSubscription, markPushDelivered } from './subscriptions'
import { vapidDetails } from './vapid'

/** One push to one device: a job of the push queue. */
export interface PushJob {
  subscriptionId: string
  message: PushMessage
}

/** A push service's answer that a retry may fix (rate limit, outage); the job queue tries again with backoff. */
export class PushRetryError extends Error {
  constructor(readonly status: number) {
    super(`push service answered ${status}`)
    this.name = 'PushRetryError'
  }
}

// Push services cap a message at 4 KB of ciphertext; titles and bodies are short already, this keeps a long title in bounds.
const TITLE_CHARS = 120

/**
 * Sends one push: re-checks the endpoint, encrypts the message for the subscription's keys
 * (aes128gcm, RFC 8291), signs a VAPID token (RFC 8292) and POSTs it on the server's own HTTP
 * client. 404/410 mean the browser dropped the subscription: it is deleted. 429 and 5xx throw so
 * the queue retries; other refusals are logged and not retried.
 */
export async function deliverPush({ subscriptionId, message }: PushJob): Promise<void> {
  const sub = await findPushSubscription(subscriptionId)
  if (!sub) return
  const verdict = await checkPushEndpoint(sub.endpoint)
  if (!verdict.ok) {
    // An origin the operator no longer allows can never be sent to again; an address that turned private may turn back.
    if (verdict.reason === 'origin') await dropPushSubscription(sub.id, sub.endpoint)
    logger.warn({ subscriptionId, reason: verdict.reason }, 'push endpoint refused at send time')
    return
  }
  const vapid = await vapidDetails()
  const payload: PushMessage = { ...message, title: message.title.length > TITLE_CHARS ? `${message.title.slice(0, TITLE_CHARS - 1)}…` : message.title }
  const details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
    vapidDetails: vapid,
    contentEncoding: 'aes128gcm',
    TTL: getPushConfig().ttlSeconds,
    urgency: message.kind === 'reply' ? 'normal' : 'high',
    // A newer push about the same conversation replaces one still waiting for an offline device.
    topic: message.conversationId.replace(/-/g, '')
  })
  let status: number
  try {
    ({ status } = await outboundRequest(details.endpoint, {
      method: 'POST',
      headers: details.headers,
      body: details.body,
      allowPrivate: verdict.trusted,
      timeoutMs: 15_000
    }))
  } catch (err) {
    if (err instanceof BlockedAddressError) {
      logger.warn({ subscriptionId }, 'push endpoint resolved to a private address')
      return
    }
    throw err
  }
  if (status >= 200 && status < 300) return markPushDelivered(sub.id)
  if (status === 404 || status === 410) return dropPushSubscription(sub.id, sub.endpoint)
  if (status === 429 || status >= 500) throw new PushRetryError(status)
  logger.warn({ subscriptionId, status }, 'push service refused a push')
}
