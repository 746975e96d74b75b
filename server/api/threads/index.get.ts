import { threadsQuerySchema } from '#shared/thread-schemas'
import { listMyThreads } from '../../services/messages/reads-threads'

/** `?projectId=&limit=` → `{ threads }`: the caller's threads, newest reply first, with unread counts. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { threads: await listMyThreads(actor, await getValidatedQuery(event, threadsQuerySchema.parse)) }
})
