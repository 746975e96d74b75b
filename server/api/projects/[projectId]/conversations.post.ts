import { projectParamsSchema } from '#shared/schemas'
import { createConversation } from '../../../services/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = readParams(event, projectParamsSchema)
  return { conversation: await createConversation(actor, projectId, await readJson(event)) }
})
