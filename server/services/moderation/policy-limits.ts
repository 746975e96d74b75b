import { lazy } from '../../infra/lazy'
import type { Budget } from '../../infra/rate-limit'

/** Limits on what one user may post, upload and sync, read from the environment once. */
export interface PolicyLimits {
  /** Uploads per user per minute. */
  uploadsPerMinute: number
  /** Bytes one user may keep stored across all their uploads, sent or not. */
  uploadQuotaBytes: number
  /** An upload never attached to a message is purged this long after it was made. */
  unsentUploadTtlMs: number
  /** Conversations a user may sync per minute (each entry of a sync:request counts once). */
  syncConversationsPerMinute: number
  /** Project invitations one user may send per hour (to people sharing no project with them). */
  invitationsPerHour: number
  /** People one user may add to conversations per hour. */
  participantAddsPerHour: number
}

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value)
  return value && Number.isFinite(n) && n > 0 ? n : fallback
}

export const getPolicyLimits = lazy('policy-limits', (): PolicyLimits => {
  const env = process.env
  return {
    uploadsPerMinute: Math.max(1, Math.floor(positive(env.UPLOAD_RATE_LIMIT_PER_MINUTE, 20))),
    uploadQuotaBytes: Math.floor(positive(env.UPLOAD_QUOTA_BYTES, 1024 ** 3)),
    // Fractions of an hour are allowed so a test can age uploads in seconds.
    unsentUploadTtlMs: positive(env.UPLOAD_UNSENT_TTL_HOURS, 24) * 3600_000,
    syncConversationsPerMinute: Math.max(1, Math.floor(positive(env.SYNC_RATE_LIMIT_PER_MINUTE, 300))),
    invitationsPerHour: Math.max(1, Math.floor(positive(env.INVITATIONS_PER_HOUR, 20))),
    participantAddsPerHour: Math.max(1, Math.floor(positive(env.PARTICIPANT_ADDS_PER_HOUR, 60)))
  }
})

/** Budgets of actions other people see (system lines, broadcasts, audit entries), read from the environment once. */
export interface ActionBudgets {
  /** Renames and setting changes of conversations, per user. */
  conversationChanges: Budget
  /** The same, per conversation, whoever makes them. */
  conversationChangesPerConversation: Budget
  /** Conversations one user may start. */
  conversationsCreated: Budget
  /** Messages one user may schedule. */
  scheduled: Budget
  /** Scheduled messages one user may have waiting at once. */
  pendingScheduledMax: number
  /** Name and avatar changes (each told to every shared conversation). */
  profileChanges: Budget
  /** presence:update calls that change the status (each told to every shared conversation). */
  presenceChanges: Budget
  /** Member exports (each one an audit entry). */
  memberExports: Budget
  /** Push subscriptions a user registers (each one a device the server will send to). */
  pushSubscriptions: Budget
}

const count = (value: string | undefined, fallback: number) => Math.max(1, Math.floor(positive(value, fallback)))
const perMinute = (value: string | undefined, fallback: number): Budget => ({ perWindow: count(value, fallback), windowSeconds: 60 })
const perHour = (value: string | undefined, fallback: number): Budget => ({ perWindow: count(value, fallback), windowSeconds: 3600 })

/** The action budgets; the defaults sit well above what a person does by hand (Slack-like), so only scripts meet them. */
export const getActionBudgets = lazy('action-budgets', (): ActionBudgets => {
  const env = process.env
  return {
    conversationChanges: perMinute(env.CONVERSATION_CHANGES_PER_MINUTE, 5),
    conversationChangesPerConversation: perHour(env.CONVERSATION_CHANGES_PER_CONVERSATION_PER_HOUR, 10),
    conversationsCreated: perHour(env.CONVERSATIONS_CREATED_PER_HOUR, 20),
    scheduled: perHour(env.SCHEDULED_PER_HOUR, 60),
    pendingScheduledMax: count(env.SCHEDULED_PENDING_MAX, 50),
    profileChanges: perHour(env.PROFILE_CHANGES_PER_HOUR, 10),
    presenceChanges: perMinute(env.PRESENCE_CHANGES_PER_MINUTE, 10),
    memberExports: perHour(env.MEMBER_EXPORTS_PER_HOUR, 5),
    pushSubscriptions: perHour(env.PUSH_SUBSCRIPTIONS_PER_HOUR, 20)
  }
})
