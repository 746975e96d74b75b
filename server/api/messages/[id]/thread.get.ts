import { idParamsSchema } from '#shared/schemas'
import { threadQuerySchema } from '#shared/thread-schemas'
import { listThread } from '../../../services/messages/threads'

/** `{ root, replies, hasMore }`: the message's thread, replies oldest first after `afterSeq`. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return listThread(actor, id, await getValidatedQuery(event, threadQuerySchema.parse))
})
