import { idParamsSchema } from '#shared/schemas'
import { openAvatar } from '../../../services/people/profile'

/** A user's avatar (a 256 px WebP); the `?v=` in avatarUrl changes with each upload, so it caches for long. */
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const download = await openAvatar(id)
  if (download.kind === 'redirect') return sendRedirect(event, download.url, 302)
  setResponseHeaders(event, {
    'content-type': 'image/webp',
    'content-length': download.size,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'default-src \'none\'; sandbox',
    'cross-origin-resource-policy': 'same-origin'
  })
  return sendStream(event, download.stream)
})
