import { idParamsSchema } from '#shared/schemas'
import { setPinned } from '../../../services/messages/pins'

/** `{ message }`: no longer pinned. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { message: await setPinned(actor, id, false) }
})
