import { automodFlagsQuerySchema } from '#shared/automod-schemas'
import { listAutomodFlags } from '#layers/admin/server/services/automod-rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { flags: await listAutomodFlags(actor, await getValidatedQuery(event, automodFlagsQuerySchema.parse)) }
})
