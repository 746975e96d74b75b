import { idParamsSchema } from '#shared/schemas'
import { listHistory } from '../../../services/messages'

export default defineApiHandler(async (event) => {
  const { id } = readParams(event, idParamsSchema)
  return listHistory(await requireActor(event), id, getQuery(event))
})
