import { galleryQuerySchema } from '#shared/gallery-schemas'
import { idParamsSchema } from '#shared/schemas'
import { listConversationFiles } from '../../../services/conversations/gallery'

/** `{ attachments, hasMore }`: the conversation's sent files, newest first (`kind=image|file`, `before`, `limit`). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return listConversationFiles(actor, id, await getValidatedQuery(event, galleryQuerySchema.parse))
})
