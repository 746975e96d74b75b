import { projectParamsSchema } from '#shared/schemas'
import { markProjectAllRead } from '../../../services/messages/reads-all'

/** Marks every conversation of the project the caller is in read, threads included → `{ ok: true }`. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  await markProjectAllRead(actor, projectId)
  return { ok: true }
})
