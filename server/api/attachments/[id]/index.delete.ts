import { idParamsSchema } from '#shared/schemas'
import { discardAttachment } from '../../../services/uploads'

/** Removes one's own upload that has not been sent yet. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  await discardAttachment(actor, id)
  return { ok: true }
})
