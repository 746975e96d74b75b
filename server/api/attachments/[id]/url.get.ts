import { idParamsSchema } from '#shared/schemas'
import { createAttachmentUrl } from '../../../services/uploads/links'

/** `{ url, expiresAt }`: a short-lived signed download link for `<img src>` and plain anchors. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return createAttachmentUrl(actor, id)
})
