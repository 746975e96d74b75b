import { z } from 'zod'
import { DEFAULT_MAX_MESSAGE_LENGTH, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, SYNC_REQUEST_MAX_CONVERSATIONS } from './limits'

export const uuid = z.uuid()

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
export const contentSchema = (max = DEFAULT_MAX_MESSAGE_LENGTH) =>
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

export const createProjectSchema = z.object({ name: z.string().trim().min(1).max(100) })
export const participantRoleSchema = z.enum(['owner', 'admin', 'member'])
export const addProjectMemberSchema = z.object({
  email: z.email().transform(v => v.toLowerCase()),
  role: participantRoleSchema.default('member')
})

export const createConversationSchema = z.object({
  title: z.string().trim().min(1).max(100),
  type: z.enum(['project', 'group', 'support', 'announcement']).default('group'),
  participantIds: z.array(uuid).max(1000).default([])
})
export const directMessageSchema = z.object({ userId: uuid })

export const historyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).default(HISTORY_PAGE_DEFAULT),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  afterSeq: z.coerce.number().int().min(0).optional()
}).refine(q => q.beforeSeq === undefined || q.afterSeq === undefined, {
  message: 'use beforeSeq or afterSeq, not both', path: ['beforeSeq']
})

export const sendMessageBodySchema = perMax(max => z.object({
  clientId: uuid,
  content: contentSchema(max),
  replyToId: uuid.nullish(),
  threadRootId: uuid.nullish(),
  attachmentIds: z.array(uuid).max(10).optional()
}))
export const sendMessageEventSchema = perMax(max => sendMessageBodySchema(max).extend({ conversationId: uuid }))

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
export const presenceUpdateSchema = z.object({ status: z.enum(['online', 'away', 'dnd']) })

export const idParamsSchema = z.object({ id: uuid })
export const projectParamsSchema = z.object({ projectId: uuid })
export const participantParamsSchema = z.object({ id: uuid, userId: uuid })

export const addParticipantSchema = z.object({ userId: uuid, role: participantRoleSchema.default('member') })
export const changeParticipantRoleSchema = z.object({ role: participantRoleSchema })

export type SignupInput = z.infer<typeof signupSchema>
export type LoginInput = z.infer<typeof loginSchema>
export type CreateConversationInput = z.infer<typeof createConversationSchema>
export type SendMessageInput = z.infer<ReturnType<typeof sendMessageEventSchema>>
export type SyncRequest = z.infer<typeof syncRequestSchema>
