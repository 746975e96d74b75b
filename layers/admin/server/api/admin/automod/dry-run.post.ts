import { automodDryRunSchema } from '#shared/automod-schemas'
import { dryRunAutomodRule } from '#layers/admin/server/services/automod/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { matches: await dryRunAutomodRule(actor, await readValidatedBody(event, bodyOf(automodDryRunSchema))) }
})
