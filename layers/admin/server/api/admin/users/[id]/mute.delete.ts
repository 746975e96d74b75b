import { unmuteQuerySchema } from '#shared/moderation-schemas'
import { idParamsSchema } from '#shared/schemas'
import { unmuteUser } from '#layers/admin/server/services/moderation/sanctions'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { user: await unmuteUser(actor, id, await getValidatedQuery(event, unmuteQuerySchema.parse)) }
})
