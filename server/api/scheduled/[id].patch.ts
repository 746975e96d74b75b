import { idParamsSchema } from '#shared/schemas'
import { updateScheduled } from '../../services/scheduled-messages'

/** `{ content?, sendAt? }` → `{ scheduled }`: changes a message still waiting. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  return { scheduled: await updateScheduled(actor, id, await readJson(event)) }
})
