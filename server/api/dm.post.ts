import { getOrCreateDirect } from '../services/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { conversation: await getOrCreateDirect(actor, await readJson(event)) }
})
