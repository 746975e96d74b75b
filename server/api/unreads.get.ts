import { unreadsQuerySchema } from '#shared/unread-schemas'
import { listUnreads } from '../services/messages/reads-unreads'

/** `?projectId=&limit=` → `{ conversations: { conversation, messages }[] }` (the "All unreads" view). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { conversations: await listUnreads(actor, await getValidatedQuery(event, unreadsQuerySchema.parse)) }
})
