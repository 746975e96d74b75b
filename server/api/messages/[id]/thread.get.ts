import { idParamsSchema } from '#shared/schemas'
import { listThread } from '../../../services/threads'

/** `{ root, replies, hasMore }`: the message's thread, replies oldest first after `afterSeq`. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return listThread(actor, id, getQuery(event))
})
