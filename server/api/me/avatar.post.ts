import { uploadAvatar } from '../../services/people/profile'
import { withUploadBody } from '../../utils/upload-request'

/** Multipart `file` (an image) → `{ user }` with the new avatarUrl. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  return { user: await withUploadBody(event, upload => uploadAvatar(actor, upload)) }
})
