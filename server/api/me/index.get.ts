import { getUser } from '../../services/users'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { user: await getUser(actor.id) }
})
