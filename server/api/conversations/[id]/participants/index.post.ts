import { addParticipantsSchema } from '#shared/invitation-schemas'
import { idParamsSchema } from '#shared/schemas'
import { addParticipants } from '../../../../services/conversations/participants'

/** `{ userIds }` → `{ conversation, participants }`: a participant adds people of the project. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return await addParticipants(actor, id, await readValidatedBody(event, bodyOf(addParticipantsSchema)))
})
