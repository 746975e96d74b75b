import { updateConversationSchema } from '#shared/conversation-schemas'
import { idParamsSchema } from '#shared/schemas'
import { updateConversation } from '../../../services/conversations/settings'

/** `{ title?, settings? }` → `{ conversation }` (owners and admins). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { conversation: await updateConversation(actor, id, await readValidatedBody(event, bodyOf(updateConversationSchema))) }
})
