import { idParamsSchema } from '#shared/schemas'
import { cancelScheduled } from '../../services/messages/scheduled'

/** `{ scheduled }`: cancels a message still waiting. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { scheduled: await cancelScheduled(actor, id) }
})
