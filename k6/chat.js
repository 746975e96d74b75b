// Entry point of the load suite. Select with env:
//   PROFILE=smoke|load|stress|soak|spike   SCENARIOS=chat,history,search,storm,hot
//   BASE_URL=http://host:port  or  INSTANCES=http://a:3000,http://b:3000
// See k6/README.md. Run through k6/run.sh (npm run k6:<profile>) to seed and export reports.
import http from 'k6/http'
import { buildScenarios, buildThresholds, getProfile, hotRate, INSTANCES, scenarioDurations, selectedScenarios } from './lib/config.js'
import { meta, userAt } from './lib/fixture.js'
import { client, login } from './lib/api.js'
import { makeChatMembers } from './scenarios/chat.js'
import { makeHistoryScroll } from './scenarios/history.js'
import { makeSearchMessages } from './scenarios/search.js'
import { makeReconnectStorm } from './scenarios/storm.js'
import { makeHotListener, makeHotSender } from './scenarios/hot.js'

const profile = getProfile()
const names = selectedScenarios()
const durations = scenarioDurations(profile)

export const options = {
  scenarios: buildScenarios(profile, names),
  thresholds: buildThresholds(profile, names),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  setupTimeout: '120s',
  teardownTimeout: '30s',
  // Sockets and VUs are many; keep per-URL tags bounded.
  systemTags: ['status', 'method', 'name', 'scenario', 'check', 'error_code', 'expected_response'],
  tags: { profile: profile.name }
}

export const chatMembers = makeChatMembers(profile, durations)
export const historyScroll = makeHistoryScroll(profile)
export const searchMessages = makeSearchMessages(profile)
export const reconnectStorm = makeReconnectStorm(profile, durations)
export const hotListener = makeHotListener(profile, durations)
export const hotSender = makeHotSender(profile, durations, hotRate(profile))

/**
 * Checks every instance is up and the fixture matches the server, and decides whether the
 * fixture's access tokens can be used (else every VU signs in once).
 * @returns {import('./lib/types.js').SetupData}
 */
export function setup() {
  const m = meta()
  for (const base of INSTANCES) {
    const h = http.get(`${base}/api/health`, { tags: { name: 'health' } })
    if (h.status !== 200) throw new Error(`${base}/api/health answered ${h.status}: is the server running?`)
  }
  const first = userAt(0)
  const fixtureToken = first.token && first.tokenExp * 1000 > Date.now() + 3600000 ? first.token : null
  const useFixtureTokens = fixtureToken !== null && client(INSTANCES[0], fixtureToken).me().status === 200
  const token = fixtureToken !== null && useFixtureTokens ? fixtureToken : login(INSTANCES[0], first.email, m.password).accessToken
  const conv = client(INSTANCES[0], token).conversation(m.hotConversationId)
  if (conv.status !== 200) {
    throw new Error(`the fixture's hot conversation is not on ${INSTANCES[0]} (${conv.status}): run \`npm run seed:load\` against this server (fixture seeded ${m.seededAt} on ${m.baseUrl})`)
  }
  console.log(`profile ${profile.name}: scenarios ${names.join(',')} on ${INSTANCES.join(', ')}; ${m.userCount} users; fixture tokens ${useFixtureTokens ? 'valid' : 'stale — VUs sign in'}`)
  return { t0: Date.now(), useFixtureTokens }
}

export default function () {
  // Every scenario names its own exec function; nothing runs the default.
}
