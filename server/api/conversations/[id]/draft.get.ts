import { idParamsSchema } from '#shared/schemas'
import { getDraft } from '../../../services/messages/drafts'

/** `{ draft }`: the caller's unsent text in this conversation, or null. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { draft: await getDraft(actor, id) }
})
