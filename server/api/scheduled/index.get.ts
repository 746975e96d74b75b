import { listScheduled } from '../../services/messages/scheduled'

/** `{ scheduled }`: the caller's messages still waiting (and those that failed), soonest first. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { scheduled: await listScheduled(actor) }
})
