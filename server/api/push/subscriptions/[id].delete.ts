import { idParamsSchema } from '#shared/schemas'
import { deletePushSubscription } from '../../../services/notifications/push'

/** `{ ok: true }`: stops pushes to one of the caller's devices (anyone else's is NOT_FOUND). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  await deletePushSubscription(actor, id)
  return { ok: true as const }
})
