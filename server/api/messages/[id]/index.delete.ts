import { idParamsSchema } from '#shared/schemas'
import { deleteMessage } from '../../../services/messages/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  await deleteMessage(actor, { messageId: id })
  return { ok: true }
})
