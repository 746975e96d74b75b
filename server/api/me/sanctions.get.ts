import { listMySanctions } from '~~/server/services/moderation/my-sanctions'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { sanctions: await listMySanctions(actor) }
})
