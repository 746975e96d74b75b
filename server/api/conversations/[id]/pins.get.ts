import { idParamsSchema } from '#shared/schemas'
import { listPins } from '../../../services/messages/pins'

/** `{ messages }`: the conversation's pinned messages, newest pin first. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { messages: await listPins(actor, id) }
})
