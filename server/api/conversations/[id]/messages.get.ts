import { historyQuerySchema, idParamsSchema } from '#shared/schemas'
import { listHistory } from '../../../services/messages/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const page = await listHistory(actor, id, await getValidatedQuery(event, historyQuerySchema.parse))
  // Already JSON: sent as it is, with the type h3 gives an object it serialises.
  setResponseHeader(event, 'content-type', 'application/json')
  return page
})
