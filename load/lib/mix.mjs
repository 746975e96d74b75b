// The mixed workload's pure rules: what a simulated member does next and how long it idles first
// (after Mattermost's load-test agent: a weighted pick among actions, an idle time with a floor and
// a mean), which failures count against the error budget, whether a step stayed inside the budget,
// and which member count the ramp tries next. No I/O, so test/tooling/load-mix.test.ts checks it.

/** @typedef {'view' | 'scroll' | 'send' | 'react' | 'reconnect' | 'search' | 'presence'} Action */
/** @typedef {Record<Action, number>} Weights */

/**
 * Relative weights of a member's actions. Taken from the frequencies of Mattermost's simulative
 * controller (mattermost-load-test-ng, loadtest/control/simulcontroller), mapped onto this app:
 * SwitchChannel + OpenDirectOrGroupChannel → view (newest history page, then read:mark),
 * ScrollChannel → scroll (an older page), CreatePost → send (typing:start, composing, message:send,
 * typing:stop), AddReaction → react, ReconnectWebSocket → reconnect (reconnect + sync), the four
 * searches → search. Presence changes (auto-away and back, picking a status) have no single
 * counterpart there; a member changes status a few times an hour.
 * @type {Readonly<Weights>}
 */
export const DEFAULT_WEIGHTS = Object.freeze({ view: 7.5, scroll: 2, send: 1, react: 0.13, reconnect: 0.144, search: 0.09, presence: 0.05 })

/** Mattermost's sample config: at least 1 s between two actions of a member, 20 s on average. */
export const DEFAULT_IDLE = Object.freeze({ minMs: 1000, avgMs: 20000 })

/**
 * The action whose slice of the cumulative weights holds `r` (uniform in [0, 1)).
 * @param {Partial<Record<string, number>>} weights @param {number} r
 * @returns {string}
 */
export function pickAction(weights, r) {
  const entries = Object.entries(weights).filter(([, w]) => typeof w === 'number' && w > 0)
  if (!entries.length) throw new Error('no action has a positive weight')
  const total = entries.reduce((t, [, w]) => t + /** @type {number} */ (w), 0)
  let x = Math.min(Math.max(r, 0), 1 - Number.EPSILON) * total
  for (const [name, w] of entries) {
    if ((x -= /** @type {number} */ (w)) < 0) return name
  }
  return /** @type {[string, number]} */ (entries.at(-1))[0]
}

/**
 * Idle time before a member's next action: the floor plus an exponential tail, so the mean is
 * `avgMs` and arrivals over many members look like a Poisson stream. `r` uniform in [0, 1).
 * @param {{ minMs: number, avgMs: number }} idle @param {number} r
 */
export function idleMs({ minMs, avgMs }, r) {
  const tail = Math.max(0, avgMs - minMs)
  return minMs + -Math.log(1 - Math.min(Math.max(r, 0), 1 - 1e-12)) * tail
}

/**
 * Operations per second `members` generate, per action and in total (one action of a member per
 * its mean idle time; the time an action itself takes is ignored).
 * @param {number} members @param {Partial<Record<string, number>>} weights @param {{ avgMs: number }} idle
 */
export function offeredRates(members, weights, idle) {
  const total = Object.values(weights).reduce((t, w) => t + (w && w > 0 ? w : 0), 0)
  const perS = members / (idle.avgMs / 1000)
  /** @type {Record<string, number>} */
  const out = {}
  for (const [name, w] of Object.entries(weights)) if (w && w > 0) out[name] = (perS * w) / total
  return { total: perS, byAction: out }
}

/** Socket ack codes that count against the error budget: the server failed, or did not answer. */
const BUDGET_CODES = new Set(['INTERNAL', 'UNAVAILABLE', 'ACK_TIMEOUT', 'CONNECT_FAILED', 'RECONNECT_FAILED'])

/**
 * Whether a failed operation counts against the error budget. Mattermost's budget counts server
 * errors (HTTP 5xx); here also a REST call nothing answered (status 0: refused, reset, timed out)
 * socket acks with INTERNAL, UNAVAILABLE or none at all within the ack timeout, and a socket that
 * could not connect again after its retries. Refusals the
 * contract defines (RATE_LIMITED, FORBIDDEN, VALIDATION, …) are reported but are not failures of
 * the server, and DISCONNECTED means the request never left (the session resends).
 * @param {{ status?: number, code?: string | null }} failure
 */
export function countsAgainstBudget({ status, code }) {
  if (typeof status === 'number') return status === 0 || status >= 500
  return !!code && BUDGET_CODES.has(code)
}

/**
 * @typedef {object} OpFigures
 * @property {number} n              operations finished (or still unanswered) in the window
 * @property {number} budgetErrors   of which counted against the budget
 * @property {number} otherErrors    refused for a reason the contract defines
 * @property {number} p99            ms (NaN when n is 0)
 */
/** @typedef {{ errorRate: number, p99Ms: number, minOps?: number }} Budget */
/** @typedef {{ ok: boolean, errorRate: number, ops: number, budgetErrors: number, crossed: string[] }} BudgetVerdict */

/** Mattermost's: 0.025 % errors, p99 of every operation at most 2 s. */
export const DEFAULT_BUDGET = Object.freeze({ errorRate: 0.00025, p99Ms: 2000, minOps: 1 })

/**
 * A step is inside the budget when the share of operations counted against it stays at or below
 * `errorRate`, every operation's p99 is at most `p99Ms`, and at least `minOps` operations ran (a
 * step where nothing happened proves nothing).
 * @param {Record<string, OpFigures>} ops @param {Budget} [budget]
 * @returns {BudgetVerdict}
 */
export function evaluateBudget(ops, budget = DEFAULT_BUDGET) {
  let n = 0
  let budgetErrors = 0
  /** @type {string[]} */
  const crossed = []
  for (const [name, o] of Object.entries(ops)) {
    n += o.n
    budgetErrors += o.budgetErrors
    if (o.n > 0 && !(o.p99 <= budget.p99Ms)) crossed.push(`${name} p99 ${Math.round(o.p99)} ms > ${budget.p99Ms} ms`)
  }
  const errorRate = n ? budgetErrors / n : 0
  if (errorRate > budget.errorRate) crossed.push(`errors ${(errorRate * 100).toFixed(3)} % > ${(budget.errorRate * 100).toFixed(3)} % (${budgetErrors} of ${n})`)
  if (n < (budget.minOps ?? 1)) crossed.push(`only ${n} operations ran`)
  return { ok: crossed.length === 0, errorRate, ops: n, budgetErrors, crossed }
}

/**
 * The member count to try next: the planned counts in order while every step passed; after the
 * first failure, halfway between the largest pass and the smallest failure (rounded to `grain`)
 * while that gap is wider than `minGapRatio` and `bisections` remain; null when done.
 * @param {number[]} plan ascending counts
 * @param {{ members: number, ok: boolean }[]} steps done so far, in order
 * @param {{ bisections?: number, minGapRatio?: number, grain?: number }} [options]
 * @returns {number | null}
 */
export function nextStep(plan, steps, { bisections = 1, minGapRatio = 1.2, grain = 10 } = {}) {
  const failed = steps.filter(s => !s.ok)
  if (!failed.length) return plan.find(c => !steps.some(s => s.members === c)) ?? null
  const lowestFail = Math.min(...failed.map(s => s.members))
  const passes = steps.filter(s => s.ok && s.members < lowestFail)
  if (!passes.length) return null
  const highestPass = Math.max(...passes.map(s => s.members))
  const bisectionsDone = steps.filter(s => !plan.includes(s.members)).length
  if (bisectionsDone >= bisections || lowestFail / highestPass <= minGapRatio) return null
  const mid = Math.round((highestPass + lowestFail) / 2 / grain) * grain
  return mid > highestPass && mid < lowestFail && !steps.some(s => s.members === mid) ? mid : null
}

/**
 * The verdict of a ramp: the largest count that passed below every failure, or null when the
 * smallest count already failed.
 * @param {{ members: number, ok: boolean }[]} steps
 */
export function capacityOf(steps) {
  const failed = steps.filter(s => !s.ok).map(s => s.members)
  const ceiling = failed.length ? Math.min(...failed) : Infinity
  const passes = steps.filter(s => s.ok && s.members < ceiling).map(s => s.members)
  return { capacity: passes.length ? Math.max(...passes) : null, firstFailure: Number.isFinite(ceiling) ? ceiling : null }
}

/** Room sizes of the capacity fixture: a team, a department, and a project-wide room per 500 members. */
export const ROOM_SIZES = Object.freeze({ team: 15, dept: 90, general: 500 })

/**
 * The rooms member `n` belongs to (index of each kind), so that every count of the ramp has full
 * teams and departments among its lowest-ranked members.
 * @param {number} n @param {Record<string, number>} [sizes]
 * @returns {Record<string, number>}
 */
export function roomsOf(n, sizes = ROOM_SIZES) {
  return Object.fromEntries(Object.entries(sizes).map(([kind, size]) => [kind, Math.floor(n / size)]))
}

/**
 * Which of a member's rooms its sends go to. Most talk happens in small rooms; the project-wide one
 * gets a small share (every message there reaches up to 500 members).
 */
export const DEFAULT_SEND_TO = Object.freeze({ team: 0.55, dept: 0.35, general: 0.1 })
