import { z } from 'zod'
import { isoDateTime } from './dates'
import type { Attachment } from './types'

/** `GET /api/conversations/:id/attachments`: `before` is the createdAt of the last item seen. */
export const galleryQuerySchema = z.object({
  kind: z.enum(['image', 'file', 'all']).default('all'),
  before: isoDateTime.transform(s => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30)
})

export type GalleryQuery = z.output<typeof galleryQuerySchema>

/** A sent file with where it was sent, for the gallery (`messageSeq` makes `/c/:id#m-<seq>`). */
export interface GalleryItem extends Attachment {
  messageId: string
  messageSeq: number
  senderId: string
  createdAt: string
}
