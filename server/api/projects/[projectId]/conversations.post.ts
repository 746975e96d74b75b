import { createConversationSchema, projectParamsSchema } from '#shared/schemas'
import { createConversation } from '../../../services/conversations/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  return { conversation: await createConversation(actor, projectId, await readValidatedBody(event, bodyOf(createConversationSchema))) }
})
