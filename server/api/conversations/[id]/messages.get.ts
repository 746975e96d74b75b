import { historyQuerySchema, idParamsSchema } from '#shared/schemas'
import { listHistory } from '../../../services/messages/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return listHistory(actor, id, await getValidatedQuery(event, historyQuerySchema.parse))
})
