import { idParamsSchema, readMarkBodySchema } from '#shared/schemas'
import { markRead } from '../../../services/messages/reads'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const { seq } = await readValidatedBody(event, bodyOf(readMarkBodySchema))
  await markRead(actor, { conversationId: id, seq })
  return { ok: true }
})
