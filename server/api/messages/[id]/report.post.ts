import { idParamsSchema } from '#shared/schemas'
import { reportMessage } from '../../../services/reports'

/** `{ reason, description? }` → `{ report }`: the message goes to the moderators' queue. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { report: await reportMessage(actor, id, await readJson(event)) }
})
