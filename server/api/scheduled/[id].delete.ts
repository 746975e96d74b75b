import { idParamsSchema } from '#shared/schemas'
import { cancelScheduled } from '../../services/scheduled-messages'

/** `{ scheduled }`: cancels a message still waiting. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { scheduled: await cancelScheduled(actor, id) }
})
