import { z } from 'zod'

/** `PATCH /api/conversations/:id` (owners and admins): rename, or change what members may do. */
export const updateConversationSchema = z.object({
  title: z.string().trim().min(1, 'A conversation needs a title').max(100, 'At most 100 characters').optional(),
  settings: z.object({ membersCanPin: z.boolean().optional(), membersCanAdd: z.boolean().optional() }).strict().optional()
}).strict().refine(u => u.title !== undefined || (u.settings && Object.keys(u.settings).length > 0), { message: 'change the title or a setting' })

export type UpdateConversationInput = z.output<typeof updateConversationSchema>
