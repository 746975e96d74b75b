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
export async function request(base, method, path, { token, body, raw, cookie } = {}) {
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
  return { status: res.status, body: parsed, setCookie, cookie: refreshCookie }
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
  return { token: res.body.accessToken, user: res.body.user, base, cookie: res.cookie, expiresAt: res.body.expiresAt ?? '' }
}

/** Signs in with a local account; a new session each time (so a new refresh cookie). */
export async function logInAccount(base, email, password) {
  return sessionOf(await authPost(base, '/api/auth/local/login', { body: { email, password } }), base, `login ${email}`)
}

/** Creates a local account and signs it in. */
export async function signUpAccount(base, { email, displayName, password = TEST_PASSWORD }) {
  return sessionOf(await authPost(base, '/api/auth/local/signup', { body: { email, password, displayName } }), base, `signup ${email}`)
}
