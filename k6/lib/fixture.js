// The seed fixture (k6/data/load-fixture.json, written by `npm run seed:load`), shared read-only
// between VUs, and each VU's identity: its user, its access token and its instance.
import { SharedArray } from 'k6/data'
import encoding from 'k6/encoding'
import exec from 'k6/execution'
import { instanceFor } from './config.js'
import { login } from './api.js'

// open() resolves relative to this file; FIXTURE is relative to k6/.
const FIXTURE_PATH = `../${__ENV.FIXTURE || 'data/load-fixture.json'}`

/**
 * @typedef {object} FixtureFile
 * @property {string} projectId
 * @property {string} password
 * @property {string} baseUrl
 * @property {string} seededAt
 * @property {string} hotConversationId
 * @property {import('./types.js').FixtureUser[]} users
 * @property {{ id: string, members: number[] }[]} conversations
 */

/** @returns {FixtureFile} */
function readFixture() {
  let text
  try {
    text = open(FIXTURE_PATH)
  } catch (e) {
    throw new Error(`cannot read ${FIXTURE_PATH} (relative to k6/lib): run \`npm run seed:load\` first (${e})`, { cause: e })
  }
  return JSON.parse(text)
}

// Separate arrays so a VU deserializes only the rows it touches.
const META = new SharedArray('fixture-meta', () => {
  const f = readFixture()
  const hot = f.conversations.find(c => c.id === f.hotConversationId)
  if (!hot) throw new Error(`the fixture's hot conversation ${f.hotConversationId} is not among its conversations: seed again`)
  /** @type {import('./types.js').FixtureMeta[]} */
  const rows = [{
    projectId: f.projectId,
    password: f.password,
    baseUrl: f.baseUrl,
    seededAt: f.seededAt,
    userCount: f.users.length,
    hotConversationId: f.hotConversationId,
    hotMembers: hot.members
  }]
  return rows
})
const USERS = new SharedArray('fixture-users', () => readFixture().users)

/** @returns {import('./types.js').FixtureMeta} */
export function meta() {
  return META[0]
}

/** @param {number} index @returns {import('./types.js').FixtureUser} */
export function userAt(index) {
  return USERS[index % USERS.length]
}

/** The user a VU plays: VU n (1-based, unique across scenarios) is fixture user n-1, modulo the user count. @param {number} [vuId] */
export function userForVu(vuId = exec.vu.idInTest) {
  return userAt(vuId - 1)
}

/** A hot-room member for a listener or sender VU. @param {number} [vuId] */
export function hotUserForVu(vuId = exec.vu.idInTest) {
  const members = meta().hotMembers
  return userAt(members[(vuId - 1) % members.length])
}

/** @type {import('./types.js').Identity | undefined} per VU */
let cached

/**
 * The VU's identity. Uses the fixture's token when setup() found fixture tokens valid and it is
 * not close to expiry; otherwise signs in once per VU (POST /api/auth/local/login).
 * @param {import('./types.js').SetupData | undefined} data
 * @param {import('./types.js').FixtureUser} [user]
 * @returns {import('./types.js').Identity}
 */
export function identity(data, user = userForVu()) {
  const vuId = exec.vu.idInTest
  if (cached && cached.user.id === user.id && cached.expMs > Date.now() + 60000) return cached
  const baseUrl = instanceFor(vuId)
  let token
  let expMs
  if (data && data.useFixtureTokens && user.token && user.tokenExp * 1000 > Date.now() + 600000) {
    token = user.token
    expMs = user.tokenExp * 1000
  } else {
    token = login(baseUrl, user.email, meta().password).accessToken
    expMs = jwtExpMs(token)
  }
  cached = { vuId, user, token, expMs, baseUrl, projectId: meta().projectId }
  return cached
}

/** Decodes a JWT's exp claim (ms); 0 when unreadable. @param {string} token */
export function jwtExpMs(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const json = JSON.parse(decodeBase64(part))
    return json.exp * 1000
  } catch (_) {
    return 0
  }
}

/** @param {string} s */
function decodeBase64(s) {
  return encoding.b64decode(s, 'rawstd', 's')
}
