import { projectParamsSchema } from '#shared/schemas'
import { listConversations } from '../../../services/conversations/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  return { conversations: await listConversations(actor, projectId) }
})
