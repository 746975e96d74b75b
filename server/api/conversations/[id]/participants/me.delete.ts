import { idParamsSchema } from '#shared/schemas'
import { leaveConversation } from '../../../../services/conversations/memberships'

/** `{ ok: true }`: the caller leaves the conversation. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  await leaveConversation(actor, id)
  return { ok: true }
})
