import { saveDraftSchema } from '#shared/draft-schemas'
import { idParamsSchema } from '#shared/schemas'
import { saveDraft } from '../../../services/messages/drafts'

/** `{ content }` → `{ draft }`: keeps the caller's unsent text (blank text clears it). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { draft: await saveDraft(actor, id, await readValidatedBody(event, bodyOf(saveDraftSchema(getConfig().maxMessageLength)))) }
})
