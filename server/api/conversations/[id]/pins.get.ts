import { idParamsSchema } from '#shared/schemas'
import { listPins } from '../../../services/pins'

/** `{ messages }`: the conversation's pinned messages, newest pin first. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { messages: await listPins(actor, id) }
})
