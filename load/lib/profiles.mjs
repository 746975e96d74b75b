// Load profiles of the Node driver: the k6 suite's profiles (k6/lib/config.js) in the driver's
// terms. Chat traffic is a fixed arrival rate (members ÷ sendEveryS messages/s, open model), so
// a slow server shows up as latency instead of slowing the senders down.
//
// Environment: DURATION (e.g. 30s, overrides the profile), SOAK_DURATION (soak, default 2h),
// SCALE (multiplies members, listeners and rates), TIME_SCALE (multiplies durations).

/**
 * @typedef {object} Limits
 * @property {number} ackP95
 * @property {number} ackP99
 * @property {number} deliverP95
 * @property {number} deliverP99
 * @property {number} reconnectP95
 * @property {number} historyP95
 * @property {number} errorRate
 */
/**
 * @typedef {object} Profile
 * @property {string} name
 * @property {string} description
 * @property {number} durationS
 * @property {number} users                                            fixture users needed (seed:load)
 * @property {{ members: number, sendEveryS: number, mix: Record<string, number> }} chat   mix: which of a user's rooms a send goes to
 * @property {{ vus: number, pages: number, thinkS: number }} history
 * @property {{ vus: number, thinkS: number }} search
 * @property {{ members: number, everyS: number }} storm
 * @property {{ listeners: number, senders: number, ratePerSender: number }} hot
 * @property {Limits} limits
 * @property {boolean} refreshTokens                                   sign in again before tokens expire (soak)
 */

// As in the k6 suite: 40 % of sends to the member's pair, 40 % to its team of 10, 20 % to its dept of 50.
const MIX = { pair: 0.4, team: 0.4, dept: 0.2 }
const STRICT = { ackP95: 300, ackP99: 1000, deliverP95: 500, deliverP99: 1500, reconnectP95: 3000, historyP95: 600, errorRate: 0.01 }

/** @type {Record<string, Omit<Profile, 'name'>>} */
const PROFILES = {
  smoke: {
    description: 'about half a minute, a handful of members: does everything work end to end?',
    durationS: 30,
    users: 50,
    chat: { members: 6, sendEveryS: 2, mix: MIX },
    history: { vus: 1, pages: 5, thinkS: 1 },
    search: { vus: 1, thinkS: 2 },
    storm: { members: 6, everyS: 10 },
    hot: { listeners: 10, senders: 1, ratePerSender: 5 },
    limits: { ...STRICT, reconnectP95: 2000 },
    refreshTokens: false
  },
  // Smoke traffic while an instance dies: the accounting must hold; latency may spike during failover.
  failover: {
    description: 'smoke traffic on two instances while one is killed: nothing lost, nothing doubled',
    durationS: 30,
    users: 50,
    chat: { members: 12, sendEveryS: 2, mix: MIX },
    history: { vus: 1, pages: 5, thinkS: 1 },
    search: { vus: 1, thinkS: 2 },
    storm: { members: 4, everyS: 10 },
    // More sends in flight than smoke, so the kill is likely to catch some unacked.
    hot: { listeners: 10, senders: 2, ratePerSender: 10 },
    limits: { ackP95: 5000, ackP99: 10000, deliverP95: 5000, deliverP99: 10000, reconnectP95: 10000, historyP95: 5000, errorRate: 0.01 },
    refreshTokens: false
  },
  load: {
    description: 'expected busy day: 250 chatting members, 100 hot-room listeners, storms every minute',
    durationS: 600,
    users: 500,
    chat: { members: 250, sendEveryS: 6, mix: MIX },
    history: { vus: 10, pages: 10, thinkS: 1 },
    search: { vus: 5, thinkS: 3 },
    storm: { members: 50, everyS: 60 },
    hot: { listeners: 100, senders: 2, ratePerSender: 5 },
    limits: STRICT,
    refreshTokens: false
  },
  stress: {
    description: 'well past the expected peak to find the knee',
    durationS: 900,
    users: 500,
    chat: { members: 1000, sendEveryS: 5, mix: MIX },
    history: { vus: 20, pages: 10, thinkS: 0.5 },
    search: { vus: 10, thinkS: 1 },
    storm: { members: 200, everyS: 90 },
    hot: { listeners: 300, senders: 4, ratePerSender: 10 },
    limits: { ackP95: 1000, ackP99: 3000, deliverP95: 1500, deliverP99: 5000, reconnectP95: 10000, historyP95: 2000, errorRate: 0.05 },
    refreshTokens: false
  },
  soak: {
    description: 'load-level traffic held for hours: leaks, slow drifts, token expiry',
    durationS: 7200,
    users: 500,
    chat: { members: 150, sendEveryS: 8, mix: MIX },
    history: { vus: 5, pages: 10, thinkS: 2 },
    search: { vus: 2, thinkS: 5 },
    storm: { members: 30, everyS: 300 },
    hot: { listeners: 100, senders: 1, ratePerSender: 3 },
    limits: STRICT,
    refreshTokens: true
  }
}

export const PROFILE_NAMES = Object.keys(PROFILES)

/** @param {string} text @returns {number} seconds */
export function parseDurationS(text) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(text).trim())
  if (!m) throw new Error(`bad duration ${text} (use e.g. 90s, 30m, 2h)`)
  const unit = /** @type {'s' | 'm' | 'h'} */ (m[2] || 's')
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[unit]
}

/**
 * The named profile with DURATION / SOAK_DURATION / SCALE / TIME_SCALE applied.
 * @param {string} name
 * @param {Record<string, string | undefined>} [env]
 * @returns {Profile}
 */
export function getProfile(name, env = process.env) {
  const spec = PROFILES[name]
  if (!spec) throw new Error(`unknown profile ${name}; use one of ${PROFILE_NAMES.join(', ')}`)
  /** @type {Profile} */
  const p = { ...structuredClone(spec), name }
  if (name === 'soak') p.durationS = parseDurationS(env.SOAK_DURATION || '2h')
  if (env.DURATION) p.durationS = parseDurationS(env.DURATION)
  const ts = Number(env.TIME_SCALE || 1)
  if (ts !== 1) {
    p.durationS = Math.max(5, Math.round(p.durationS * ts))
    p.storm.everyS = Math.max(3, Math.round(p.storm.everyS * ts))
  }
  if (env.LOAD_PROFILE_OVERRIDES) mergeInto(p, JSON.parse(env.LOAD_PROFILE_OVERRIDES))
  const scale = Number(env.SCALE || 1)
  if (scale !== 1) {
    /** @param {number} v */
    const n = v => (v === 0 ? 0 : Math.max(1, Math.round(v * scale)))
    p.chat.members = n(p.chat.members)
    p.storm.members = n(p.storm.members)
    p.hot.listeners = n(p.hot.listeners)
    p.hot.ratePerSender *= scale
    p.history.vus = n(p.history.vus)
    p.search.vus = n(p.search.vus)
  }
  return p
}

/** Deep-merges plain objects (used for LOAD_PROFILE_OVERRIDES, e.g. by the benchmarks). @param {Record<string, any>} target @param {Record<string, any>} patch */
function mergeInto(target, patch) {
  for (const [k, v] of Object.entries(patch)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object' && k !== 'mix') mergeInto(target[k], v)
    else target[k] = v
  }
}
