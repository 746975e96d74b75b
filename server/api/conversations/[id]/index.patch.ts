import { idParamsSchema } from '#shared/schemas'
import { updateConversation } from '../../../services/conversation-settings'

/** `{ title?, settings? }` → `{ conversation }` (owners and admins). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { conversation: await updateConversation(actor, id, await readJson(event)) }
})
