// Target servers, profile selection and the k6 options built from a profile.
//
// Environment (pass with `-e NAME=value` or as process env):
//   BASE_URL       one server, default http://127.0.0.1:3000
//   INSTANCES      comma-separated base URLs; VUs are spread round-robin over them (overrides BASE_URL)
//   PROFILE        smoke | load | stress | soak | spike (default smoke)
//   SCENARIOS      comma-separated subset of: chat,history,search,storm,hot (default: all of the profile)
//   FIXTURE        path of the seed fixture, relative to k6/ (default data/load-fixture.json)
//   SOAK_DURATION  soak hold time (default 2h)
//   DURATION       overrides the profile's duration for its constant-VU scenarios (e.g. 30s)
//   TIME_SCALE     multiplies every duration of the profile (stages, sessions, storm period), e.g. 0.1
//   SCALE          multiplies every VU count and send rate of the profile (default 1)

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')
export const INSTANCES = (__ENV.INSTANCES || BASE_URL).split(',').map(s => s.trim().replace(/\/+$/, '')).filter(Boolean)
export const PROFILE = (__ENV.PROFILE || 'smoke').toLowerCase()
export const SCALE = Number(__ENV.SCALE || 1)

/** The instance a VU talks to: VUs are spread round-robin over INSTANCES. @param {number} vuId */
export function instanceFor(vuId) {
  return INSTANCES[(vuId - 1) % INSTANCES.length]
}

/** @param {number} v */
const n = v => Math.max(1, Math.round(v * SCALE))

// Every duration below is in seconds. `chat`, `storm` and `hot` hold sockets for whole sessions;
// a VU's session never runs past its scenario's end (see sessionDeadline in lib/session.js).
//   chat:    { vus | stages, sendEveryS, sessionS }         members chatting in their pair/team/dept rooms
//   history: { vus, pages, thinkS }                          REST history scrolling with beforeSeq
//   search:  { vus, thinkS }                                 GET /api/search (404 = skipped)
//   storm:   { vus, everyS, sessionS }                       all storm sockets drop and reconnect together, then sync
//   hot:     { listeners, senders, ratePerSender }           one 500-member room at a high send rate
/** @typedef {Omit<import('./types.js').Profile, 'name' | 'durationS'> & { durationS: number | null }} ProfileSpec */
/** @type {Record<string, ProfileSpec>} */
const PROFILES = {
  smoke: {
    description: 'about one minute, a handful of VUs: does everything work end to end?',
    durationS: 50,
    chat: { vus: 6, sendEveryS: 2, sessionS: 50 },
    history: { vus: 1, pages: 5, thinkS: 1 },
    search: { vus: 1, thinkS: 2 },
    storm: { vus: 6, everyS: 15, sessionS: 50 },
    hot: { listeners: 10, senders: 1, ratePerSender: 5 },
    limits: { ackP95: 300, ackP99: 1000, deliverP95: 500, deliverP99: 1500, reconnectP95: 2000, errorRate: 0.01 }
  },
  load: {
    description: 'expected busy day: 250 chatting members, 100 hot-room listeners, storms every minute',
    durationS: 600,
    chat: { stages: [[60, 250], [480, 250], [60, 0]], sendEveryS: 6, sessionS: 120 },
    history: { vus: 10, pages: 10, thinkS: 1 },
    search: { vus: 5, thinkS: 3 },
    storm: { vus: 50, everyS: 60, sessionS: 300 },
    hot: { listeners: 100, senders: 2, ratePerSender: 5 },
    limits: { ackP95: 300, ackP99: 1000, deliverP95: 500, deliverP99: 1500, reconnectP95: 3000, errorRate: 0.01 }
  },
  stress: {
    description: 'ramps chatting members well past the expected peak to find the knee',
    durationS: 900,
    chat: { stages: [[120, 250], [120, 500], [120, 1000], [300, 1000], [120, 0]], sendEveryS: 5, sessionS: 120 },
    history: { vus: 20, pages: 10, thinkS: 0.5 },
    search: { vus: 10, thinkS: 1 },
    storm: { vus: 200, everyS: 90, sessionS: 300 },
    hot: { listeners: 300, senders: 4, ratePerSender: 10 },
    limits: { ackP95: 1000, ackP99: 3000, deliverP95: 1500, deliverP99: 5000, reconnectP95: 10000, errorRate: 0.05 }
  },
  soak: {
    description: 'load-level traffic held for hours: leaks, slow drifts, token expiry',
    durationS: null, // SOAK_DURATION
    chat: { vus: 150, sendEveryS: 8, sessionS: 600 },
    history: { vus: 5, pages: 10, thinkS: 2 },
    search: { vus: 2, thinkS: 5 },
    storm: { vus: 30, everyS: 300, sessionS: 1800 },
    hot: { listeners: 100, senders: 1, ratePerSender: 3 },
    limits: { ackP95: 300, ackP99: 1000, deliverP95: 500, deliverP99: 1500, reconnectP95: 3000, errorRate: 0.01 }
  },
  spike: {
    description: 'a quiet room, then 10x members arrive within seconds (all-hands announcement)',
    durationS: 300,
    chat: { stages: [[30, 30], [10, 400], [120, 400], [10, 30], [100, 30], [30, 0]], sendEveryS: 5, sessionS: 60 },
    history: { vus: 5, pages: 5, thinkS: 1 },
    search: { vus: 2, thinkS: 2 },
    storm: { vus: 100, everyS: 75, sessionS: 300 },
    hot: { listeners: 50, senders: 2, ratePerSender: 5 },
    limits: { ackP95: 800, ackP99: 2500, deliverP95: 1200, deliverP99: 4000, reconnectP95: 8000, errorRate: 0.02 }
  }
}

/** @param {string} text @returns {number} seconds */
function parseDurationS(text) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(text).trim())
  if (!m) throw new Error(`bad duration ${text} (use e.g. 90s, 30m, 2h)`)
  const unit = /** @type {'s' | 'm' | 'h'} */ (m[2] || 's')
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[unit]
}

/**
 * The named profile with SOAK_DURATION, DURATION and TIME_SCALE applied.
 * @param {string} [name]
 * @returns {import('./types.js').Profile}
 */
export function getProfile(name = PROFILE) {
  const p = PROFILES[name]
  if (!p) throw new Error(`unknown PROFILE ${name}; use one of ${Object.keys(PROFILES).join(', ')}`)
  /** @type {ProfileSpec} */
  const spec = JSON.parse(JSON.stringify(p))
  let durationS = spec.durationS ?? parseDurationS(__ENV.SOAK_DURATION || '2h')
  if (__ENV.DURATION) durationS = parseDurationS(__ENV.DURATION) // constant-VU scenarios only
  /** @type {import('./types.js').Profile} */
  const profile = { ...spec, name, durationS }
  // TIME_SCALE shrinks (or stretches) every duration of a profile: a quick dry run of its shape.
  const ts = Number(__ENV.TIME_SCALE || 1)
  if (ts !== 1) {
    /** @param {number} v */
    const t = v => Math.max(1, Math.round(v * ts))
    profile.durationS = t(profile.durationS)
    if (profile.chat.stages) profile.chat.stages = profile.chat.stages.map(([d, target]) => /** @type {import('./types.js').Stage} */ ([t(d), target]))
    profile.chat.sessionS = t(profile.chat.sessionS)
    profile.storm.sessionS = t(profile.storm.sessionS)
    profile.storm.everyS = t(profile.storm.everyS)
  }
  profile.chat.sessionS = Math.min(profile.chat.sessionS, profile.durationS)
  profile.storm.sessionS = Math.min(profile.storm.sessionS, profile.durationS)
  return profile
}

export const ALL_SCENARIOS = ['chat', 'history', 'search', 'storm', 'hot']

/** @returns {string[]} */
export function selectedScenarios() {
  const list = (__ENV.SCENARIOS || ALL_SCENARIOS.join(',')).split(',').map(s => s.trim()).filter(Boolean)
  for (const s of list) if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; use ${ALL_SCENARIOS.join(', ')}`)
  return list
}

/**
 * Seconds each k6 scenario runs, by k6 scenario name (used to end socket sessions in time).
 * @param {import('./types.js').Profile} profile
 * @returns {import('./types.js').Durations}
 */
export function scenarioDurations(profile) {
  /** @type {import('./types.js').Durations} */
  const out = {}
  /** @param {import('./types.js').Stage[]} stages */
  const stagesS = stages => stages.reduce((t, [d]) => t + d, 0)
  out.chat = profile.chat.stages ? stagesS(profile.chat.stages) : profile.durationS
  for (const k of ['history', 'search', 'storm', 'hot_listeners']) out[k] = profile.durationS
  out.hot_senders = Math.max(5, profile.durationS - 5)
  return out
}

const GRACE_S = 30

/**
 * k6 `scenarios` for a profile.
 * @param {import('./types.js').Profile} profile
 * @param {string[]} [names]
 * @returns {Record<string, import('k6/options').Scenario>}
 */
export function buildScenarios(profile, names = selectedScenarios()) {
  /** @type {Record<string, import('k6/options').Scenario>} */
  const s = {}
  const durations = scenarioDurations(profile)
  /**
   * @param {string} exec @param {number} vus @param {number} durationS @param {{ startTime?: string }} [extra]
   * @returns {import('k6/options').ConstantVUsScenario}
   */
  const constant = (exec, vus, durationS, extra = {}) => ({
    executor: 'constant-vus', exec, vus: n(vus), duration: `${durationS}s`, gracefulStop: `${GRACE_S}s`, ...extra
  })
  if (names.includes('chat')) {
    const c = profile.chat
    s.chat = c.stages
      ? {
          executor: 'ramping-vus',
          exec: 'chatMembers',
          startVUs: 0,
          stages: c.stages.map(([d, target]) => ({ duration: `${d}s`, target: n(target) })),
          gracefulRampDown: `${c.sessionS + GRACE_S}s`,
          gracefulStop: `${GRACE_S}s`
        }
      : constant('chatMembers', c.vus ?? 1, durations.chat)
  }
  if (names.includes('history')) s.history = constant('historyScroll', profile.history.vus, durations.history)
  if (names.includes('search')) s.search = constant('searchMessages', profile.search.vus, durations.search)
  if (names.includes('storm')) s.storm = constant('reconnectStorm', profile.storm.vus, durations.storm)
  if (names.includes('hot')) {
    s.hot_listeners = constant('hotListener', profile.hot.listeners, durations.hot_listeners)
    // Senders start a few seconds later so listeners are connected and have a baseline.
    s.hot_senders = constant('hotSender', profile.hot.senders, durations.hot_senders, { startTime: '5s' })
  }
  return s
}

/** Send rate per hot sender after SCALE. @param {import('./types.js').Profile} profile */
export function hotRate(profile) {
  return profile.hot.ratePerSender * SCALE
}

/**
 * Thresholds that fail the run (k6 exits with code 99 when one is crossed).
 * @param {import('./types.js').Profile} profile
 * @param {string[]} [names]
 * @returns {Record<string, string[]>}
 */
export function buildThresholds(profile, names = selectedScenarios()) {
  const l = profile.limits
  /** @type {Record<string, string[]>} */
  const t = {
    chat_errors: [`rate<${l.errorRate}`],
    checks: [`rate>${1 - l.errorRate}`],
    http_req_failed: [`rate<${l.errorRate}`]
  }
  const sockets = names.some(x => ['chat', 'storm', 'hot'].includes(x))
  if (sockets) {
    Object.assign(t, {
      'chat_messages_lost': ['count==0'],
      'chat_duplicates': ['count==0'],
      // Always true: listed so the summary shows recovered messages per reason.
      'chat_messages_recovered{reason:gap}': ['count>=0'],
      'chat_messages_recovered{reason:reconnect}': ['count>=0'],
      'chat_messages_recovered{reason:final}': ['count>=0']
    })
  }
  if (names.includes('chat') || names.includes('hot')) {
    Object.assign(t, {
      chat_send_ack_ms: [`p(95)<${l.ackP95}`, `p(99)<${l.ackP99}`],
      chat_deliver_ms: [`p(95)<${l.deliverP95}`, `p(99)<${l.deliverP99}`],
      chat_messages_sent: ['count>0'],
      chat_messages_received: ['count>0']
    })
  }
  if (names.includes('storm')) t.chat_reconnect_ms = [`p(95)<${l.reconnectP95}`]
  if (names.includes('history')) t['http_req_duration{name:history}'] = [`p(95)<${l.ackP95 * 2}`]
  return t
}
