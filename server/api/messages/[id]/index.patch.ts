import { idParamsSchema } from '#shared/schemas'
import { editMessage } from '../../../services/messages'

export default defineApiHandler(async (event) => {
  const { id } = readParams(event, idParamsSchema)
  const actor = await requireActor(event)
  return { message: await editMessage(actor, { ...(await readJson(event) as object), messageId: id }) }
})
