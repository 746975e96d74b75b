import { idParamsSchema } from '#shared/schemas'
import { getDraft } from '../../../services/drafts'

/** `{ draft }`: the caller's unsent text in this conversation, or null. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { draft: await getDraft(actor, id) }
})
