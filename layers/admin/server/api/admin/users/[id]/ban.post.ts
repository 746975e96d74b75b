import { adminBanSchema } from '#admin-shared/admin-schemas'
import { idParamsSchema } from '#shared/schemas'
import { banUser } from '#layers/admin/server/services/moderation/bans'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { user: await banUser(actor, id, await readValidatedBody(event, bodyOf(adminBanSchema))) }
})
