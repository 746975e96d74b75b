import { reportMessageSchema } from '#shared/report-schemas'
import { idParamsSchema } from '#shared/schemas'
import { reportMessage } from '../../../services/moderation/reports'

/** `{ reason, description? }` → `{ report }`: the message goes to the moderators' queue. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { report: await reportMessage(actor, id, await readValidatedBody(event, bodyOf(reportMessageSchema))) }
})
