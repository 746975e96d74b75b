import { idParamsSchema } from '#shared/schemas'
import { markRead } from '../../../services/reads'

export default defineApiHandler(async (event) => {
  const { id } = readParams(event, idParamsSchema)
  const actor = await requireActor(event)
  await markRead(actor, { ...(await readJson(event) as object), conversationId: id })
  return { ok: true }
})
