import { idParamsSchema } from '#shared/schemas'
import { editMessage } from '../../../services/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { message: await editMessage(actor, { ...(await readJson(event) as object), messageId: id }) }
})
