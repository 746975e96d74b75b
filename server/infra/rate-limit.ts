import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { getConfig } from '../utils/config'
import { AppError } from '../utils/errors'
import { lazy } from './lazy'
import { logger } from './logger'
import { getRedis } from './redis'

/** Options of one named limiter: `points` per `duration` seconds, optionally blocking for `blockDuration` seconds. */
export interface LimiterOptions { keyPrefix: string, points: number, duration: number, blockDuration?: number }

/** How often, at most, each limiter says that it answers from memory. */
const INSURANCE_WARN_EVERY_MS = 60_000

/**
 * The in-memory insurance of a Redis-backed limiter. It answers only when Redis did not (down, not
 * ready, or a command timed out), and then each instance counts alone, so the log says so.
 */
class InsuranceLimiter extends RateLimiterMemory {
  private warnedAt = 0

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    const now = Date.now()
    if (now - this.warnedAt >= INSURANCE_WARN_EVERY_MS) {
      this.warnedAt = now
      logger.warn({ limiter: this.keyPrefix }, 'rate limit answered from this instance\'s memory: Redis did not answer')
    }
    return super.consume(key, points, options)
  }
}

/**
 * One named limiter per process: Redis-backed (shared by every instance) when configured, else in
 * memory. While Redis is down the in-memory insurance limiter answers at once instead of queueing
 * behind a reconnect. Each call touches one key (`<keyPrefix>:<key>`), so a Redis Cluster needs
 * nothing more.
 */
export function sharedLimiter(opts: LimiterOptions): RateLimiterAbstract {
  return lazy(`limiter:${opts.keyPrefix}`, (): RateLimiterAbstract => {
    const redis = getRedis()
    return redis
      ? new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new InsuranceLimiter(opts) })
      : new RateLimiterMemory(opts)
  })()
}

/** Takes `points` for `key`, or fails with RATE_LIMITED carrying the wait. */
export async function consumeOrRefuse(limiter: RateLimiterAbstract, key: string, points: number, message: string): Promise<void> {
  try {
    await limiter.consume(key, points)
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new AppError('RATE_LIMITED', message, { retryAfterMs: error.msBeforeNext })
    throw error
  }
}

/** The per-minute message budget: sends take from it, a send found to be a retry gives back. */
const messageLimiter = () => sharedLimiter({ keyPrefix: 'rl:msg', points: getConfig().rateLimitPerMinute, duration: 60 })

/** Takes one message from the user's per-minute budget, or fails with RATE_LIMITED. */
export function consumeMessageBudget(userId: string): Promise<void> {
  return consumeOrRefuse(messageLimiter(), userId, 1, 'too many messages, slow down')
}

/** Gives back one message of the user's per-minute budget: a send that turned out to be a retry of a stored one. */
export async function refundMessageBudget(userId: string): Promise<void> {
  await messageLimiter().reward(userId, 1)
}

/** Takes one upload from the user's per-minute budget, or fails with RATE_LIMITED. */
export function consumeUploadBudget(userId: string, perMinute: number): Promise<void> {
  return consumeOrRefuse(sharedLimiter({ keyPrefix: 'rl:upload', points: perMinute, duration: 60 }), userId, 1, 'too many uploads, slow down')
}

/** Takes one point per conversation a sync:request names, or fails with RATE_LIMITED. */
export function consumeSyncBudget(userId: string, conversations: number, perMinute: number): Promise<void> {
  return consumeOrRefuse(sharedLimiter({ keyPrefix: 'rl:sync', points: perMinute, duration: 60 }), userId, Math.max(1, conversations), 'too many sync requests, slow down')
}

/** Takes one invitation from the inviter's hourly budget, or fails with RATE_LIMITED. */
export function consumeInvitationBudget(userId: string, perHour: number): Promise<void> {
  return consumeOrRefuse(sharedLimiter({ keyPrefix: 'rl:invite', points: perHour, duration: 3600 }), userId, 1, 'too many invitations, try again later')
}

/** Takes one point per person added to a conversation from the user's hourly budget, or fails with RATE_LIMITED. */
export function consumeParticipantAddBudget(userId: string, people: number, perHour: number): Promise<void> {
  return consumeOrRefuse(sharedLimiter({ keyPrefix: 'rl:add-people', points: perHour, duration: 3600 }), userId, Math.max(1, people), 'too many people added, try again later')
}

/** Budgets of actions that write into other people's timelines or broadcast to them: points per window. */
export interface Budget { perWindow: number, windowSeconds: number }

/** Takes one point of a named budget for `key` (a user, or a user and a target), or fails with RATE_LIMITED. */
export function consumeBudget(name: string, key: string, budget: Budget, message: string): Promise<void> {
  return consumeOrRefuse(sharedLimiter({ keyPrefix: `rl:${name}`, points: budget.perWindow, duration: budget.windowSeconds }), key, 1, message)
}

/**
 * Takes one conversation change (rename, settings) from the user's budget and from the
 * conversation's: several owners together cannot fill a timeline with system lines either.
 */
export async function consumeConversationChangeBudget(userId: string, conversationId: string, perUser: Budget, perConversation: Budget): Promise<void> {
  await consumeBudget('conv-change', userId, perUser, 'too many conversation changes, try again later')
  await consumeBudget('conv-change-target', conversationId, perConversation, 'this conversation was changed too often, try again later')
}

/** Takes one new conversation from the user's budget, or fails with RATE_LIMITED. */
export function consumeConversationCreateBudget(userId: string, budget: Budget): Promise<void> {
  return consumeBudget('conv-create', userId, budget, 'too many new conversations, try again later')
}

/** Takes one scheduled message from the user's budget, or fails with RATE_LIMITED. */
export function consumeScheduleBudget(userId: string, budget: Budget): Promise<void> {
  return consumeBudget('schedule', userId, budget, 'too many scheduled messages, try again later')
}

/** Takes one visible profile change (name, avatar) from the user's budget, or fails with RATE_LIMITED. */
export function consumeProfileChangeBudget(userId: string, budget: Budget): Promise<void> {
  return consumeBudget('profile', userId, budget, 'too many profile changes, try again later')
}

/** Takes one status change from the user's budget, or fails with RATE_LIMITED. */
export function consumePresenceBudget(userId: string, budget: Budget): Promise<void> {
  return consumeBudget('presence', userId, budget, 'too many status changes, slow down')
}

/** Takes one member export from the user's budget, or fails with RATE_LIMITED. */
export function consumeMemberExportBudget(userId: string, budget: Budget): Promise<void> {
  return consumeBudget('member-export', userId, budget, 'too many exports, try again later')
}

/**
 * Claims the right to announce that a user started typing in a conversation, at most once per
 * interval across every instance. Resolves with 0 when claimed, else with the ms until the next claim.
 */
export async function claimTypingAnnouncement(userId: string, conversationId: string, intervalMs: number): Promise<number> {
  try {
    await sharedLimiter({ keyPrefix: 'rl:typing', points: 1, duration: Math.max(1, Math.ceil(intervalMs / 1000)) }).consume(`${userId}:${conversationId}`)
    return 0
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext)
    throw error
  }
}
