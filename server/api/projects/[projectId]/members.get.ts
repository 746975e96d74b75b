import { projectParamsSchema } from '#shared/schemas'
import { listProjectMembers } from '../../../services/projects/projects'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  return { members: await listProjectMembers(actor, projectId) }
})
