import { getUser } from '../../services/people/profile'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { user: await getUser(actor.id) }
})
