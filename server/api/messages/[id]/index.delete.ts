import { idParamsSchema } from '#shared/schemas'
import { deleteMessage } from '../../../services/messages'

export default defineApiHandler(async (event) => {
  const { id } = readParams(event, idParamsSchema)
  await deleteMessage(await requireActor(event), { messageId: id })
  return { ok: true }
})
