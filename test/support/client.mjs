// REST and sign-in calls against a running server, shared by the vitest suites (through
// test/support/helpers.ts) and the browser suite's scripts: plain ESM, typed by client.d.mts.

/** The refresh token's cookie (server/infra/auth/refresh-cookie.ts). */
export const REFRESH_COOKIE = 'chat_refresh'

/** Password of the accounts the helpers sign up. */
export const TEST_PASSWORD = 'secret-password'

/**
 * One request against the contract: JSON body, bearer token and refresh cookie when given. Never
 * throws on HTTP errors; `body` is the parsed JSON (the raw text when it is not JSON, {} when empty).
 */
export async function request(base, method, path, { token, body, raw, cookie, keepInvitation = false } = {}) {
  const headers = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json'
  if (cookie !== undefined) headers.cookie = `${REFRESH_COOKIE}=${cookie}`
  const res = await fetch(base + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) })
  const text = await res.text()
  let parsed = {}
  try {
    if (text) parsed = JSON.parse(text)
  } catch {
    parsed = text
  }
  const setCookie = res.headers.getSetCookie().find(c => c.startsWith(`${REFRESH_COOKIE}=`))
  const refreshCookie = setCookie === undefined ? undefined : decodeURIComponent(setCookie.slice(REFRESH_COOKIE.length + 1).split(';')[0] ?? '')
  if (!keepInvitation && method === 'POST' && res.status === 200) await acceptIfInvited(path, parsed)
  return { status: res.status, body: parsed, setCookie, cookie: refreshCookie }
}

// Adding someone who shares no project with the caller invites them (they must accept). Suites and
// tools that add strangers to set a scene mean "add": the invitee's own session accepts at once,
// exactly as they would in the app. `keepInvitation: true` leaves the invitation pending.
const sessionsByEmail = new Map()
const MEMBERS_PATH = /^\/api\/projects\/[^/]+\/members$/

function remember(session) {
  const email = session.user.email.toLowerCase()
  sessionsByEmail.set(email, [session, ...(sessionsByEmail.get(email) ?? [])].slice(0, 5))
}

async function acceptIfInvited(path, body) {
  const member = body?.member
  if (!MEMBERS_PATH.test(path) || member?.status !== 'invited' || !member.invitation) return
  for (const session of sessionsByEmail.get(String(member.email).toLowerCase()) ?? []) {
    const accepted = await request(session.base, 'POST', `/api/invitations/${member.invitation.id}/accept`, { token: session.token, keepInvitation: true })
    if (accepted.status === 200) {
      member.status = 'active'
      member.role = accepted.body.project.myRole
      return
    }
  }
}

/** POSTs to an auth route like the browser does: always a JSON body, the refresh cookie when given. */
export function authPost(base, path, { body, cookie, token } = {}) {
  return request(base, 'POST', path, { body: body ?? {}, cookie, token })
}

/** The signed-in session an auth response carries, or an error saying what failed. */
export function sessionOf(res, base, what) {
  if (res.status !== 200 || !res.body.accessToken || !res.body.user || !res.cookie) {
    throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)} cookie=${res.setCookie}`)
  }
  const session = { token: res.body.accessToken, user: res.body.user, base, cookie: res.cookie, expiresAt: res.body.expiresAt ?? '' }
  remember(session)
  return session
}

/** Signs in with a local account; a new session each time (so a new refresh cookie). */
export async function logInAccount(base, email, password) {
  return sessionOf(await authPost(base, '/api/auth/local/login', { body: { email, password } }), base, `login ${email}`)
}

/** Creates a local account and signs it in. */
export async function signUpAccount(base, { email, displayName, password = TEST_PASSWORD }) {
  return sessionOf(await authPost(base, '/api/auth/local/signup', { body: { email, password, displayName } }), base, `signup ${email}`)
}
