import { searchQuerySchema } from '#shared/search-schemas'
import { searchMessages } from '../../services/search/search'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return searchMessages(actor, await getValidatedQuery(event, searchQuerySchema.parse))
})
