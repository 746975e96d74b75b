import { idParamsSchema } from '#shared/schemas'
import { listHistory } from '../../../services/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return listHistory(actor, id, getQuery(event))
})
