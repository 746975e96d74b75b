import { projectParamsSchema } from '#shared/schemas'
import { createConversation } from '../../../services/conversations'

export default defineApiHandler(async (event) => {
  const { projectId } = readParams(event, projectParamsSchema)
  const actor = await requireActor(event)
  return { conversation: await createConversation(actor, projectId, await readJson(event)) }
})
