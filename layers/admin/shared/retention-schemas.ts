import { z } from 'zod'
import { isoDateTime } from '#shared/dates'

/** Days a retention-deleted message can still be restored before the purge removes it. */
export const RETENTION_RESTORE_DAYS = 30
export const RETENTION_MAX_DAYS = 36_500

export const retentionPolicySchema = z.object({
  /** Null keeps messages forever. */
  days: z.number().int().min(1).max(RETENTION_MAX_DAYS).nullable(),
  keepPinned: z.boolean().default(true)
})
export type RetentionPolicyInput = z.output<typeof retentionPolicySchema>

export const retentionRestoreSchema = z.object({
  /** Messages created in [from, to]; or exactly these ids. */
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  ids: z.array(z.uuid()).min(1).max(1000).optional()
})
export type RetentionRestoreInput = z.output<typeof retentionRestoreSchema>

export const retentionDeletedQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
})
export type RetentionDeletedQuery = z.output<typeof retentionDeletedQuerySchema>

export interface RetentionPolicy {
  projectId: string
  days: number | null
  keepPinned: boolean
  updatedAt: string | null
  updatedBy: string | null
}

export interface RetentionPreview {
  messages: number
  files: number
}

export interface RetentionRunResult extends RetentionPreview {
  purgedMessages: number
  purgedFiles: number
}

/** A retention-deleted message an admin can still bring back. */
export interface RetentionDeletedMessage {
  id: string
  conversationId: string
  conversationTitle: string
  senderName: string
  excerpt: string
  createdAt: string
  retentionDeletedAt: string
  /** When the purge removes it for good. */
  purgeAt: string
}

export interface AdminProjectRetention {
  id: string
  name: string
  policy: RetentionPolicy
  /** Retention-deleted messages still restorable. */
  restorable: number
}
