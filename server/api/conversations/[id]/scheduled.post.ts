import { createScheduledSchema } from '#shared/scheduled-schemas'
import { idParamsSchema } from '#shared/schemas'
import { scheduleMessage } from '../../../services/messages/scheduled'

/** `{ clientId, content, sendAt }` → `{ scheduled }`: the server sends it at `sendAt`, online or not. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { scheduled: await scheduleMessage(actor, id, await readValidatedBody(event, bodyOf(createScheduledSchema(getConfig().maxMessageLength)))) }
})
