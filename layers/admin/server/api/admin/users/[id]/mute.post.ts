import { muteSchema } from '#shared/moderation-schemas'
import { idParamsSchema } from '#shared/schemas'
import { muteUser } from '#layers/admin/server/services/moderation/sanctions'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { user: await muteUser(actor, id, await readValidatedBody(event, bodyOf(muteSchema))) }
})
