import { z } from 'zod'
import { CONVERSATION_STATUSES, CONVERSATION_TYPES, type ConversationStatus, type ConversationType, type UserRole } from './enums'
import type { ConversationSettings } from './types'

/** Query strings send `?status=` for a cleared filter; treat an empty value as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional())

const search = z.string().trim().max(100, 'q must be at most 100 characters')
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback)
const offset = z.coerce.number().int().min(0).max(1_000_000).default(0)

export const adminConversationsQuerySchema = z.object({
  projectId: optional(z.uuid()),
  userId: optional(z.uuid()),
  status: optional(z.enum(CONVERSATION_STATUSES)),
  type: optional(z.enum(CONVERSATION_TYPES)),
  q: optional(search),
  limit: limit(100, 50),
  offset
})

export const adminUsersQuerySchema = z.object({
  q: optional(search),
  limit: limit(50, 20)
})

export const adminBanSchema = z.object({
  reason: z.string().trim().max(500).optional(),
  /** A project ban: only this project's conversations close to the user. Omitted: account-wide. */
  projectId: z.uuid().optional(),
  /** Omitted: until lifted. */
  until: z.iso.datetime({ offset: true }).optional()
})

export const adminUnbanQuerySchema = z.object({
  /** Lift only the ban from this project. */
  projectId: optional(z.uuid())
})

export const adminAuditQuerySchema = z.object({
  action: optional(z.string().trim().max(100)),
  targetId: optional(z.string().trim().max(100)),
  limit: limit(200, 50),
  offset
})

/** A conversation as an admin sees it: no per-user unread state, plus its project and head count. */
export interface AdminConversation {
  id: string
  projectId: string
  projectName: string
  type: ConversationType
  /** Direct messages are named after their participants, since their stored title is generic. */
  title: string
  status: ConversationStatus
  lastSeq: number
  lastMessageAt: string | null
  participantCount: number
  /** Messages not deleted, replies included. */
  messageCount: number
  settings: ConversationSettings
  createdAt: string
}

export interface AdminProject {
  id: string
  name: string
}

export interface AdminUser {
  id: string
  email: string
  displayName: string
  avatarUrl: string | null
  role: UserRole
}

export interface AuditEntry {
  id: string
  action: string
  targetType: string
  targetId: string | null
  /** A readable name for the target (a conversation's title), when it still exists. */
  targetLabel: string | null
  details: Record<string, unknown>
  createdAt: string
  /** Null when the acting profile has since been deleted. */
  actor: AuditPerson | null
  /** The user the action was about (details.userId), when there is one and it still exists. */
  subject: AuditPerson | null
}

export interface AuditPerson {
  id: string
  displayName: string
  email: string
}
