import { idParamsSchema } from '#shared/schemas'
import { listEdits } from '../../../services/messages/edits'

/** `{ edits }`: the message's earlier versions (author and moderators). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { edits: await listEdits(actor, id) }
})
