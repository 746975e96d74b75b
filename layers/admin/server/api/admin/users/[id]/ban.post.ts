import { idParamsSchema } from '#shared/schemas'
import { banUser } from '~~/server/services/admin-bans'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = readParams(event, idParamsSchema)
  return { user: await banUser(actor, id, await readJson(event)) }
})
