import { adminUnbanQuerySchema } from '#admin-shared/admin-schemas'
import { idParamsSchema } from '#shared/schemas'
import { liftBan } from '#layers/admin/server/services/moderation/bans'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { user: await liftBan(actor, id, await getValidatedQuery(event, adminUnbanQuerySchema.parse)) }
})
