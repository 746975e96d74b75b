import { suggestQuerySchema } from '#shared/search-schemas'
import { suggest } from '../../services/search/suggest'

/** `{ people, conversations }` matching `q` (two characters or more). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return suggest(actor, await getValidatedQuery(event, suggestQuerySchema.parse))
})
