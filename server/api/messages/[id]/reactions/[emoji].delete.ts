import { z } from 'zod'
import { removeReaction } from '../../../../services/messages/reactions'

const paramsSchema = z.object({ id: z.uuid(), emoji: z.string() })

/** `{ message }`: the caller's reaction with this emoji (URL-encoded, or a :shortcode:) is gone. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id, emoji } = await getValidatedRouterParams(event, paramsSchema.parse, { decode: true })
  return { message: await removeReaction(actor, { messageId: id, emoji }) }
})
