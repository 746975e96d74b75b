import { pushSubscriptionSchema } from '#shared/push-schemas'
import { subscribePush } from '../../../services/notifications/push'

/** `{ endpoint, keys: { p256dh, auth } }` → `{ subscription }`: this device receives the caller's pushes. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const input = await readValidatedBody(event, bodyOf(pushSubscriptionSchema))
  return { subscription: await subscribePush(actor, input, getHeader(event, 'user-agent')) }
})
