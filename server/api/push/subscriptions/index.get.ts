import { listPushSubscriptions } from '../../../services/notifications/push'

/** `{ subscriptions }`: the caller's own push subscriptions, newest first. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { subscriptions: await listPushSubscriptions(actor) }
})
