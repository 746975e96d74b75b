import { idParamsSchema } from '#shared/schemas'
import { setPinned } from '../../../services/messages/pins'

/** `{ message }`: pinned to its conversation (owners/admins, or members where allowed). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { message: await setPinned(actor, id, true) }
})
