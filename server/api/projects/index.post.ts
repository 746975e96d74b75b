import { createProjectSchema } from '#shared/schemas'
import { createProject } from '../../services/projects/projects'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { project: await createProject(actor, await readValidatedBody(event, bodyOf(createProjectSchema))) }
})
