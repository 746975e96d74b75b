import { projectParamsSchema } from '#shared/schemas'
import { addProjectMember } from '../../../services/projects'

export default defineApiHandler(async (event) => {
  const { projectId } = readParams(event, projectParamsSchema)
  const actor = await requireActor(event)
  return { member: await addProjectMember(actor, projectId, await readJson(event)) }
})
