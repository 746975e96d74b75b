import { updateProfileSchema } from '#shared/profile-schemas'
import { updateProfile } from '../../services/people/profile'

/** `{ displayName?, avatarUrl?: null, readReceipts?, emailNotifications?, notificationPreview?, dndUntil? }` → `{ user }`. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { user: await updateProfile(actor, await readValidatedBody(event, bodyOf(updateProfileSchema))) }
})
