import { vapidPublicKey } from '../../services/notifications/push'

/** `{ publicKey }`: the server's VAPID key (base64url), the `applicationServerKey` of `pushManager.subscribe`. */
export default defineApiHandler(async (event) => {
  await requireActor(event)
  return { publicKey: await vapidPublicKey() }
})
