import { idParamsSchema } from '#shared/schemas'
import { revokeInvitation } from '../../../services/projects/invitations'

/** `{ invitation }`: the inviter or a project owner or admin withdraws a pending invitation. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { invitation: await revokeInvitation(actor, id) }
})
