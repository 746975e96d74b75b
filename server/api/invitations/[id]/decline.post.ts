import { idParamsSchema } from '#shared/schemas'
import { declineInvitation } from '../../../services/projects/invitations'

/** `{ invitation }`: the invitee says no; nothing else changes. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { invitation: await declineInvitation(actor, id) }
})
