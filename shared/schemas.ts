import { z } from 'zod'
import { CHOSEN_PRESENCE_STATUSES, CONVERSATION_TYPES, PARTICIPANT_ROLES } from './enums'
import { DEFAULT_MAX_MESSAGE_LENGTH, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, SYNC_REQUEST_MAX_CONVERSATIONS } from './limits'

const uuid = z.uuid()

/** Builds a schema once per maximum length: zod compiles each new schema, which is costly on a hot path. */
function perMax<T>(make: (max: number) => T): (max?: number) => T {
  const built = new Map<number, T>()
  return (max = DEFAULT_MAX_MESSAGE_LENGTH) => {
    let schema = built.get(max)
    if (!schema) built.set(max, schema = make(max))
    return schema
  }
}

/** Message content: trimmed, 1..max characters. */
const contentSchema = (max = DEFAULT_MAX_MESSAGE_LENGTH) =>
  z.string().trim().min(1, 'content must not be empty').max(max, `content must be at most ${max} characters`)

export const signupSchema = z.object({
  email: z.email().transform(v => v.toLowerCase()),
  password: z.string().min(8, 'password must be at least 8 characters').max(200),
  displayName: z.string().trim().min(1).max(80)
})
export const loginSchema = z.object({
  email: z.email().transform(v => v.toLowerCase()),
  password: z.string().min(1).max(200)
})

export const logoutSchema = z.object({
  /** "local" ends this session; "global" every session of the user. */
  scope: z.enum(['local', 'global']).default('local')
})

export const createProjectSchema = z.object({ name: z.string().trim().min(1, 'Give the project a name').max(100, 'At most 100 characters') })
const participantRoleSchema = z.enum(PARTICIPANT_ROLES)
export const addProjectMemberSchema = z.object({
  // A message for what a member types; anything else (not a string) keeps zod's own.
  email: z.email({ error: issue => issue.input === '' ? 'Enter an e-mail address' : issue.code === 'invalid_format' ? 'Enter a valid e-mail address' : undefined })
    .transform(v => v.toLowerCase()),
  role: participantRoleSchema.default('member')
})

export const createConversationSchema = z.object({
  title: z.string().trim().min(1, 'Give the conversation a title').max(100, 'At most 100 characters'),
  // Direct messages are made through POST /api/dm, one per pair of users.
  type: z.enum(CONVERSATION_TYPES).exclude(['direct']).default('group'),
  participantIds: z.array(uuid).max(1000).default([])
})
/**
 * `POST /api/dm`. `projectId`: the project the DM is started from; both people must belong to it. Without
 * it, the first project the two share (the oldest membership of the other person) is used.
 */
export const directMessageSchema = z.object({ userId: uuid, projectId: uuid.optional() })

export const historyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).default(HISTORY_PAGE_DEFAULT),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  afterSeq: z.coerce.number().int().min(0).optional()
}).refine(q => q.beforeSeq === undefined || q.afterSeq === undefined, {
  message: 'use beforeSeq or afterSeq, not both', path: ['beforeSeq']
})

/**
 * A send carries text, files or both: content may be empty only when attachmentIds name files.
 * The server then stores a `file` message and chooses its text (see sendMessage); clients send `''`.
 */
export const sendMessageBodySchema = perMax(max => z.object({
  clientId: uuid,
  content: z.string().trim().max(max, `content must be at most ${max} characters`),
  replyToId: uuid.nullish(),
  threadRootId: uuid.nullish(),
  /** With threadRootId: the reply shows in the conversation's timeline too. */
  alsoToConversation: z.boolean().optional(),
  attachmentIds: z.array(uuid).max(10).optional()
}).refine(send => send.content !== '' || !!send.attachmentIds?.length, { path: ['content'], message: 'content must not be empty' }))
export const sendMessageEventSchema = perMax(max => sendMessageBodySchema(max).safeExtend({ conversationId: uuid }))

export const editMessageBodySchema = perMax(max => z.object({ content: contentSchema(max) }))
export const editMessageEventSchema = perMax(max => editMessageBodySchema(max).extend({ messageId: uuid }))
export const deleteMessageEventSchema = z.object({ messageId: uuid })

export const readMarkBodySchema = z.object({ seq: z.coerce.number().int().min(0) })
export const readMarkEventSchema = readMarkBodySchema.extend({ conversationId: uuid })

/** One entry per conversation: a repeated conversation keeps its lowest cursor, so it is answered once. */
export const syncRequestSchema = z.object({
  conversations: z.array(z.object({ conversationId: uuid, afterSeq: z.number().int().min(0) }))
    .max(SYNC_REQUEST_MAX_CONVERSATIONS, `at most ${SYNC_REQUEST_MAX_CONVERSATIONS} conversations per request`)
    .transform((entries) => {
      const lowest = new Map<string, number>()
      for (const { conversationId, afterSeq } of entries) {
        lowest.set(conversationId, Math.min(afterSeq, lowest.get(conversationId) ?? afterSeq))
      }
      return [...lowest].map(([conversationId, afterSeq]) => ({ conversationId, afterSeq }))
    })
})

export const typingEventSchema = z.object({ conversationId: uuid })
/**
 * `presence:update`: a status the member chose, or (`auto: true`, "online" or "away") what the client
 * saw of its tab, idle or hidden for a while, or in use again; an automatic one never overrides a chosen status.
 */
export const presenceUpdateSchema = z.object({ status: z.enum(CHOSEN_PRESENCE_STATUSES), auto: z.boolean().optional() })
  .refine(v => !(v.auto && v.status === 'dnd'), { path: ['status'], message: 'do not disturb is only chosen, never automatic' })
/**
 * `client:state`: what one client (tab, window, device) shows. `visible`: the page is shown and focused;
 * `conversationId`: the conversation open in it (null: none).
 */
export const clientStateSchema = z.object({ visible: z.boolean(), conversationId: uuid.nullable() })

export const idParamsSchema = z.object({ id: uuid })
export const projectParamsSchema = z.object({ projectId: uuid })
export const participantParamsSchema = z.object({ id: uuid, userId: uuid })

export const changeParticipantRoleSchema = z.object({ role: participantRoleSchema })

export type SendMessageInput = z.output<ReturnType<typeof sendMessageEventSchema>>
export type EditMessageInput = z.output<ReturnType<typeof editMessageEventSchema>>
export type DeleteMessageInput = z.output<typeof deleteMessageEventSchema>
export type HistoryQuery = z.output<typeof historyQuerySchema>
export type SyncRequest = z.output<typeof syncRequestSchema>
export type SignupInput = z.output<typeof signupSchema>
export type LoginInput = z.output<typeof loginSchema>
export type LogoutInput = z.output<typeof logoutSchema>
export type CreateProjectInput = z.output<typeof createProjectSchema>
export type AddProjectMemberInput = z.output<typeof addProjectMemberSchema>
export type CreateConversationInput = z.output<typeof createConversationSchema>
export type DirectMessageInput = z.output<typeof directMessageSchema>
export type ReadMarkInput = z.output<typeof readMarkEventSchema>
export type PresenceUpdateInput = z.output<typeof presenceUpdateSchema>
export type ClientStateInput = z.output<typeof clientStateSchema>
