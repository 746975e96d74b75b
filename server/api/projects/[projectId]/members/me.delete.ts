import { projectParamsSchema } from '#shared/schemas'
import { leaveProject } from '../../../../services/memberships'

/** `{ ok: true }`: the caller leaves the project and all its conversations. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = readParams(event, projectParamsSchema)
  await leaveProject(actor, projectId)
  return { ok: true }
})
