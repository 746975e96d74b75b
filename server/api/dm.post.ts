import { directMessageSchema } from '#shared/schemas'
import { getOrCreateDirect } from '../services/conversations/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { conversation: await getOrCreateDirect(actor, await readValidatedBody(event, bodyOf(directMessageSchema))) }
})
