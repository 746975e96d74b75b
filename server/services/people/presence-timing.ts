import { lazy } from '../../infra/lazy'

/** Defaults: a socket of an instance that died counts as live for at most TTL + one sweep (45 + 10 = 55 s ≤ 60 s). */
export const DEFAULT_PRESENCE_TTL_SECONDS = 45
export const DEFAULT_PRESENCE_SWEEP_SECONDS = 10
/** Each instance renews its own sockets' heartbeats this often at most (and at least three times per TTL). */
export const MAX_PRESENCE_REFRESH_SECONDS = 20

export interface PresenceTiming {
  /** How long a socket's heartbeat keeps it live without a renewal. */
  ttlMs: number
  /** How often every instance renews the heartbeats of its own sockets. */
  refreshMs: number
  /** How often every instance removes heartbeats that ran out (of any instance) and announces who went offline. */
  sweepMs: number
}

const seconds = (value: string | undefined, fallback: number) => {
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

/** Presence timing from PRESENCE_TTL_SECONDS and PRESENCE_SWEEP_SECONDS (fractions allowed, for tests). */
export function presenceTimingFrom(env: Record<string, string | undefined>): PresenceTiming {
  const ttlMs = seconds(env.PRESENCE_TTL_SECONDS, DEFAULT_PRESENCE_TTL_SECONDS) * 1000
  const sweepMs = seconds(env.PRESENCE_SWEEP_SECONDS, DEFAULT_PRESENCE_SWEEP_SECONDS) * 1000
  // Three renewals per TTL: a live socket survives two missed or late ones (a busy event loop, a slow Redis).
  return { ttlMs, sweepMs, refreshMs: Math.min(MAX_PRESENCE_REFRESH_SECONDS * 1000, ttlMs / 3) }
}

/** The longest a dead instance's user stays shown online: the heartbeat runs out, then the next sweep sees it. */
export const ghostBoundMs = (timing: PresenceTiming) => timing.ttlMs + timing.sweepMs

export const getPresenceTiming = lazy('presence-timing', () => presenceTimingFrom(process.env))
