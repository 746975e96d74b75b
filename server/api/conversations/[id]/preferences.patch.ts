import { updatePreferencesSchema } from '#shared/preference-schemas'
import { idParamsSchema } from '#shared/schemas'
import { updatePreferences } from '../../../services/conversations/preferences'

/** `{ notificationLevel?, mutedUntil? }` → `{ conversation }` (the caller's own choices). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { conversation: await updatePreferences(actor, id, await readValidatedBody(event, bodyOf(updatePreferencesSchema))) }
})
