import { idParamsSchema } from '#shared/schemas'
import { scheduleMessage } from '../../../services/scheduled-messages'

/** `{ clientId, content, sendAt }` → `{ scheduled }`: the server sends it at `sendAt`, online or not. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { scheduled: await scheduleMessage(actor, id, await readJson(event)) }
})
