import { projectParamsSchema } from '#shared/schemas'
import { listProjectInvitations } from '../../../services/projects/invitations'

/** `{ invitations }`: the project's pending invitations (owners and admins). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { projectId } = await getValidatedRouterParams(event, projectParamsSchema.parse)
  return { invitations: await listProjectInvitations(actor, projectId) }
})
