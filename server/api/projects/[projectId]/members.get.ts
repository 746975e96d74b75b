import { projectParamsSchema } from '#shared/schemas'
import { listProjectMembers } from '../../../services/projects'

export default defineApiHandler(async (event) => {
  const { projectId } = readParams(event, projectParamsSchema)
  return { members: await listProjectMembers(await requireActor(event), projectId) }
})
