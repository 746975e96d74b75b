import { idParamsSchema } from '#shared/schemas'
import { markRead } from '../../../services/reads'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  await markRead(actor, { ...(await readJson(event) as object), conversationId: id })
  return { ok: true }
})
