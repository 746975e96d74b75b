import { lazy } from '../infra/lazy'

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
