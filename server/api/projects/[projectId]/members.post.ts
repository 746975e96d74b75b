import { projectParamsSchema } from '#shared/schemas'
import { addProjectMember } from '../../../services/projects'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = readParams(event, projectParamsSchema)
  return { member: await addProjectMember(actor, projectId, await readJson(event)) }
})
