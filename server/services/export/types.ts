import type { ExportFormat } from '#shared/export-schemas'

/** One attachment in the manifest: enough to find, check and fetch the file. */
export interface ExportAttachment {
  id: string
  fileName: string
  mimeType: string
  sizeBytes: number
  /** Relative to the server: the authorized download route. */
  path: string
}

/** One message as every format writes it (JSON and NDJSON write exactly this object). */
export interface ExportMessage {
  conversationId: string
  seq: number
  id: string
  sentAt: string
  sender: { id: string, name: string }
  type: string
  content: string
  threadRootId: string | null
  replyToId: string | null
  editedAt: string | null
  deletedAt: string | null
  deletedBy: string | null
  /** What a deleted message said, from its deletion record; admin exports with deleted messages only. */
  deletedContent?: string | null
  /** Present when the attachments manifest was asked for. */
  attachments?: ExportAttachment[]
}

export interface ExportConversationInfo {
  id: string
  projectId: string
  title: string
  type: string
}

/** What the file is: written first (JSON, NDJSON's first line, the HTML heading). */
export interface ExportMeta {
  exportedAt: string
  format: ExportFormat
  scope: { conversationId?: string, projectId?: string, threadId?: string }
  from: string | null
  to: string | null
  includeDeleted: boolean
  includeAttachments: boolean
  conversations: ExportConversationInfo[]
}
