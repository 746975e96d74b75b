import { idParamsSchema } from '#shared/schemas'
import { discardAttachment } from '../../../services/uploads/uploads'

/** Removes one's own upload that has not been sent yet. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  await discardAttachment(actor, id)
  return { ok: true }
})
