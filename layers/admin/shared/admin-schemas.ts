import { z } from 'zod'
import { isoDateTime } from '#shared/dates'
import { CONVERSATION_STATUSES, CONVERSATION_TYPES, PARTICIPANT_ROLES, type ConversationStatus, type ConversationType, type UserRole } from '#shared/enums'
import type { ConversationSettings, Message, UserSummary } from '#shared/types'

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
  sort: optional(z.enum(['lastActivity', 'created', 'title', 'messages', 'participants'])).default('lastActivity'),
  order: optional(z.enum(['asc', 'desc'])).default('desc'),
  limit: limit(100, 50),
  offset
})

export type AdminConversationsQuery = z.output<typeof adminConversationsQuerySchema>
export type AdminConversationSort = AdminConversationsQuery['sort']

export const adminUsersQuerySchema = z.object({
  q: optional(search),
  limit: limit(50, 20)
})
export type AdminUsersQuery = z.output<typeof adminUsersQuerySchema>

export const adminBanSchema = z.object({
  reason: z.string().trim().max(500).optional(),
  /** A project ban: only this project's conversations close to the user. Omitted: account-wide. */
  projectId: z.uuid().optional(),
  /** Omitted: until lifted. */
  until: isoDateTime.optional()
})
export type AdminBanInput = z.output<typeof adminBanSchema>

export const adminUnbanQuerySchema = z.object({
  /** Lift only the ban from this project. */
  projectId: optional(z.uuid())
})
export type AdminUnbanQuery = z.output<typeof adminUnbanQuerySchema>

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

/** The longest slow mode an admin can set: six hours between two messages. */
export const MAX_SLOW_MODE_SECONDS = 6 * 60 * 60

/** `PATCH /api/admin/conversations/:id`: lock / archive / reopen, slow mode, rename, pin rights. */
export const adminUpdateConversationSchema = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  title: z.string().trim().min(1, 'title must not be empty').max(100, 'title must be at most 100 characters').optional(),
  settings: z.object({
    slowModeSeconds: z.number().int('slowModeSeconds must be a whole number').min(0).max(MAX_SLOW_MODE_SECONDS).optional(),
    membersCanPin: z.boolean().optional()
  }).strict().optional()
}).strict().refine(u => u.status !== undefined || u.title !== undefined || (u.settings && Object.keys(u.settings).length > 0), {
  message: 'change the status, the title or a setting',
  // Only for an otherwise valid body, so an unknown setting is named alone.
  when: payload => payload.issues.length === 0
})

export type AdminUpdateConversationInput = z.output<typeof adminUpdateConversationSchema>

const seqCursor = optional(z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER))

/** `GET /api/admin/conversations/:id/messages`: one page of the full history, by seq; at most one cursor. */
export const adminHistoryQuerySchema = z.object({
  before: seqCursor,
  after: seqCursor,
  around: seqCursor,
  limit: limit(200, 50)
}).refine(q => [q.before, q.after, q.around].filter(v => v !== undefined).length <= 1, {
  message: 'give at most one of before, after and around', path: ['before'], when: payload => payload.issues.length === 0
})
export type AdminHistoryQuery = z.output<typeof adminHistoryQuerySchema>

const userIdsSchema = z.array(z.uuid()).min(1, 'pick at least one user').max(100, 'at most 100 users at once')
  .transform(ids => [...new Set(ids)])
const participantRole = z.enum(PARTICIPANT_ROLES)

/**
 * `POST /api/admin/conversations/:id/participants`: one user (`{ userId, role }`, the contract's form)
 * or several at once (`{ userIds, role }`); the role defaults to member.
 */
export const adminAddParticipantsSchema = z.object({
  userId: z.uuid().optional(),
  userIds: userIdsSchema.optional(),
  role: participantRole.default('member')
}).refine(b => (b.userId === undefined) !== (b.userIds === undefined), { message: 'give userId or userIds', path: ['userId'], when: payload => payload.issues.length === 0 })
export type AdminAddParticipantsInput = z.output<typeof adminAddParticipantsSchema>

/** `POST /api/admin/conversations/:id/participants/remove`: several participants at once. */
export const adminRemoveParticipantsSchema = z.object({ userIds: userIdsSchema })
export type AdminRemoveParticipantsInput = z.output<typeof adminRemoveParticipantsSchema>

/**
 * A message in the admin's read-only history: deleted messages keep their content and say who
 * deleted them and when; thread replies are marked as such.
 */
export interface AdminHistoryMessage extends Message {
  deleted: boolean
  deletedBy: Pick<UserSummary, 'id' | 'displayName'> | null
  /** Removed by the project's retention policy (restorable for 30 days), not by a person. */
  deletedByRetention: boolean
  /** A reply inside a thread (threadRootId set), not a top-level message. */
  isReply: boolean
  edited: boolean
}

export interface AdminHistoryPage {
  messages: AdminHistoryMessage[]
  hasMoreBefore: boolean
  hasMoreAfter: boolean
}
