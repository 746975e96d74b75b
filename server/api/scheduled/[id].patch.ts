import { updateScheduledSchema } from '#shared/scheduled-schemas'
import { idParamsSchema } from '#shared/schemas'
import { updateScheduled } from '../../services/messages/scheduled'

/** `{ content?, sendAt? }` → `{ scheduled }`: changes a message still waiting. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { scheduled: await updateScheduled(actor, id, await readValidatedBody(event, bodyOf(updateScheduledSchema(getConfig().maxMessageLength)))) }
})
