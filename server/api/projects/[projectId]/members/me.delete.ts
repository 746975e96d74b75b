import { projectParamsSchema } from '#shared/schemas'
import { leaveProject } from '../../../../services/conversations/memberships'

/** `{ ok: true }`: the caller leaves the project and all its conversations. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  await leaveProject(actor, projectId)
  return { ok: true }
})
