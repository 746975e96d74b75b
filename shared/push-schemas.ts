import { z } from 'zod'
import type { NotificationKind } from './enums'

/** Longest push endpoint accepted; real ones (FCM, Mozilla, WNS, Apple) stay well under 1 KB. */
export const PUSH_ENDPOINT_MAX = 2048

/** A base64url key of `bytes` bytes, as PushSubscription.toJSON() gives it (padding tolerated). */
const base64urlKey = (bytes: number, what: string) => z.string()
  .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url`)
  .refine(v => v.replace(/=+$/, '').length === Math.ceil(bytes * 4 / 3), `${what} must encode ${bytes} bytes`)

/**
 * The body of `POST /api/push/subscriptions`: what `PushSubscription.toJSON()` gives (its
 * `expirationTime` is ignored). Whether the endpoint may be reached is the server's decision.
 */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: 'endpoint must be an http(s) URL' }).max(PUSH_ENDPOINT_MAX),
  keys: z.object({
    // An uncompressed P-256 point: 65 bytes starting 0x04, so its base64url starts with "B".
    p256dh: base64urlKey(65, 'p256dh').refine(v => v.startsWith('B'), 'p256dh must be an uncompressed P-256 key'),
    auth: base64urlKey(16, 'auth')
  })
})

export type PushSubscriptionInput = z.output<typeof pushSubscriptionSchema>

/** A push subscription of the caller, as the API shows it (keys stay on the server). */
export interface PushSubscriptionView {
  id: string
  endpoint: string
  createdAt: string
}

/** What the service worker receives in a push (encrypted on the wire) and shows as a notification. */
export interface PushMessage {
  title: string
  /** Empty when the member turned message previews off. */
  body: string
  /** Where clicking the notification leads: the message in its conversation. */
  url: string
  /** Notifications of one conversation replace each other instead of piling up. */
  tag: string
  kind: NotificationKind
  conversationId: string
  messageId: string
}
