import { idParamsSchema } from '#shared/schemas'
import { acceptInvitation } from '../../../services/projects/invitations'

/** `{ invitation, project }`: the invitee joins the project. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return await acceptInvitation(actor, id)
})
