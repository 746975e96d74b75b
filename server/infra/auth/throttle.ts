import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { getConfig } from '../../utils/config'
import { AppError } from '../../utils/errors'
import { sharedLimiter } from '../rate-limit'

interface Limiters {
  failsByAccountIp: RateLimiterAbstract
  failsByIp: RateLimiterAbstract
  signupsByIp: RateLimiterAbstract
}

function getLimiters(): Limiters {
  const { failsPerAccountIp, failsPerIp, signupsPerIp, lockoutSeconds } = getConfig().authThrottle
  return {
    // Consecutive failures: the count only resets on a successful sign-in (or after a quiet day).
    failsByAccountIp: sharedLimiter({ keyPrefix: 'rl:auth:fail:acct', points: failsPerAccountIp, duration: 24 * 3600, blockDuration: lockoutSeconds }),
    failsByIp: sharedLimiter({ keyPrefix: 'rl:auth:fail:ip', points: failsPerIp, duration: 3600, blockDuration: 3600 }),
    signupsByIp: sharedLimiter({ keyPrefix: 'rl:auth:signup:ip', points: signupsPerIp, duration: 3600, blockDuration: 0 })
  }
}

const accountKey = (email: string, ip: string) => `${email}|${ip}`

function rateLimited(msBeforeNext: number, what: string): AppError {
  return new AppError('RATE_LIMITED', `too many ${what}, try again later`, { retryAfterMs: Math.max(1, Math.ceil(msBeforeNext)) })
}

/** Fails with RATE_LIMITED, before any password is checked, while the account-and-IP or the IP is locked. */
export async function assertSignInAllowed(email: string, ip: string): Promise<void> {
  const { failsByAccountIp, failsByIp } = getLimiters()
  const { failsPerAccountIp, failsPerIp } = getConfig().authThrottle
  const [byAccount, byIp] = await Promise.all([failsByAccountIp.get(accountKey(email, ip)), failsByIp.get(ip)])
  if (byIp && byIp.consumedPoints > failsPerIp) throw rateLimited(byIp.msBeforeNext, 'failed sign-ins from this address')
  if (byAccount && byAccount.consumedPoints > failsPerAccountIp) throw rateLimited(byAccount.msBeforeNext, 'failed sign-ins for this account')
}

/**
 * Counts a failed sign-in, for a known and an unknown email alike (a lock must not tell them apart).
 * The attempt that crosses a limit is itself answered RATE_LIMITED.
 */
export async function recordSignInFailure(email: string, ip: string): Promise<void> {
  const { failsByAccountIp, failsByIp } = getLimiters()
  const results = await Promise.allSettled([failsByAccountIp.consume(accountKey(email, ip)), failsByIp.consume(ip)])
  for (const r of results) {
    if (r.status === 'rejected') {
      if (r.reason instanceof RateLimiterRes) throw rateLimited(r.reason.msBeforeNext, 'failed sign-ins')
      throw r.reason
    }
  }
}

/** A successful sign-in ends the run of consecutive failures for that account and IP. */
export async function recordSignInSuccess(email: string, ip: string): Promise<void> {
  await getLimiters().failsByAccountIp.delete(accountKey(email, ip))
}

/** Takes one sign-up from the IP's hourly budget, or fails with RATE_LIMITED. */
export async function consumeSignUp(ip: string): Promise<void> {
  try {
    await getLimiters().signupsByIp.consume(ip)
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(error.msBeforeNext, 'sign-ups from this address')
    throw error
  }
}
