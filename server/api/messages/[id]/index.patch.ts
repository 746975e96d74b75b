import { editMessageBodySchema, idParamsSchema } from '#shared/schemas'
import { editMessage } from '../../../services/messages/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const { content } = await readValidatedBody(event, bodyOf(editMessageBodySchema(getConfig().maxMessageLength)))
  return { message: await editMessage(actor, { messageId: id, content }) }
})
