import { lazy } from '../../../infra/lazy'

/** Timing of missed-activity emails, from EMAIL_NOTIFY_DELAY_SECONDS (default 600). */
export interface MissedActivityTiming {
  /** A notification becomes an email only if still unread this long after it arrived. */
  delayMs: number
  /** How long after the first one later notifications still join its batch (the delay, at most a minute). */
  gatherMs: number
}

export const missedActivityTiming = lazy('missed-activity-timing', (): MissedActivityTiming => {
  const seconds = Number.parseInt(process.env.EMAIL_NOTIFY_DELAY_SECONDS ?? '', 10)
  const delayMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 600) * 1000
  return { delayMs, gatherMs: Math.min(delayMs, 60_000) }
})
