import { logoutSchema } from '#shared/schemas'
import { clearRefreshCookie, readRefreshCookie } from '../../infra/auth/refresh-cookie'
import { signOut } from '../../services/auth/sessions'
import { assertLocalAuth } from '../../services/auth/local-accounts'

/**
 * Ends the session named by the refresh cookie (or by the bearer token), or with
 * `{ scope: "global" }` every session of its user; their sockets are dropped on every instance.
 */
export default defineApiHandler(async (event) => {
  assertLocalAuth()
  const input = await readValidatedBody(event, bodyOf(logoutSchema))
  const refreshToken = readRefreshCookie(event)
  clearRefreshCookie(event)
  // An expired access token must not stop a sign-out: the cookie alone is enough.
  const actor = getHeader(event, 'authorization') ? await requireActor(event).catch(() => null) : null
  await signOut({ refreshToken, sessionId: actor?.sessionId ?? null }, input)
  return { ok: true }
})
