import { idParamsSchema } from '#shared/schemas'
import { addReaction } from '../../../../services/reactions'

/** `{ emoji }` → `{ message }`: the caller reacts (again reacting changes nothing). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  const body = await readJson(event)
  return { message: await addReaction(actor, { ...(body as object), messageId: id }) }
})
