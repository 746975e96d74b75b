import { presenceQuerySchema } from '#shared/presence-schemas'
import { listPresence } from '../services/people/presence-read'

/** `?userIds=a,b,c` (at most 200) → `{ presence: { userId, status, lastSeenAt }[] }`, strangers left out. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { presence: await listPresence(actor, await getValidatedQuery(event, presenceQuerySchema.parse)) }
})
