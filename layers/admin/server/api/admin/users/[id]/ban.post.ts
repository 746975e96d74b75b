import { idParamsSchema } from '#shared/schemas'
import { banUser } from '#layers/admin/server/services/admin-bans'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = readParams(event, idParamsSchema)
  return { user: await banUser(actor, id, await readJson(event)) }
})
