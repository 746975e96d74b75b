import { addProjectMemberSchema, projectParamsSchema } from '#shared/schemas'
import { addProjectMember } from '../../../services/projects/projects'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  return { member: await addProjectMember(actor, projectId, await readValidatedBody(event, bodyOf(addProjectMemberSchema))) }
})
