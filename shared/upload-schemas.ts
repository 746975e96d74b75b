import { z } from 'zod'

/**
 * How the server recognises a type from its first bytes. `text` has no magic number: it means
 * valid UTF-8 without NUL bytes. Office formats are containers (zip, or OLE2 for the legacy ones).
 */
export type UploadSignature = 'png' | 'jpeg' | 'gif' | 'webp' | 'pdf' | 'zip' | 'ole' | 'text'

export interface UploadType {
  extensions: readonly string[]
  signature: UploadSignature
}

/** The types a member may upload, keyed by canonical MIME type; the browser uses it for `accept` and a pre-check. */
export const UPLOAD_TYPES = {
  'image/png': { extensions: ['png'], signature: 'png' },
  'image/jpeg': { extensions: ['jpg', 'jpeg'], signature: 'jpeg' },
  'image/gif': { extensions: ['gif'], signature: 'gif' },
  'image/webp': { extensions: ['webp'], signature: 'webp' },
  'application/pdf': { extensions: ['pdf'], signature: 'pdf' },
  'text/plain': { extensions: ['txt', 'log', 'text'], signature: 'text' },
  'text/markdown': { extensions: ['md', 'markdown'], signature: 'text' },
  'text/csv': { extensions: ['csv'], signature: 'text' },
  'application/json': { extensions: ['json'], signature: 'text' },
  'application/zip': { extensions: ['zip'], signature: 'zip' },
  'application/msword': { extensions: ['doc'], signature: 'ole' },
  'application/vnd.ms-excel': { extensions: ['xls'], signature: 'ole' },
  'application/vnd.ms-powerpoint': { extensions: ['ppt'], signature: 'ole' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extensions: ['docx'], signature: 'zip' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extensions: ['xlsx'], signature: 'zip' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { extensions: ['pptx'], signature: 'zip' },
  'application/vnd.oasis.opendocument.text': { extensions: ['odt'], signature: 'zip' },
  'application/vnd.oasis.opendocument.spreadsheet': { extensions: ['ods'], signature: 'zip' },
  'application/vnd.oasis.opendocument.presentation': { extensions: ['odp'], signature: 'zip' }
} as const satisfies Record<string, UploadType>

export type UploadMimeType = keyof typeof UPLOAD_TYPES

/** Names browsers and OSes use for the same types. */
export const UPLOAD_MIME_ALIASES: Readonly<Record<string, UploadMimeType>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'text/x-markdown': 'text/markdown',
  'text/x-csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
  'application/csv': 'text/csv',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'text/json': 'application/json'
}

/** The `accept` attribute for a file input. */
export const UPLOAD_ACCEPT = [
  ...Object.keys(UPLOAD_TYPES),
  ...Object.values(UPLOAD_TYPES).flatMap(t => t.extensions.map(e => `.${e}`))
].join(',')

export const isUploadMimeType = (value: string): value is UploadMimeType => Object.hasOwn(UPLOAD_TYPES, value)

/** `GET /api/attachments/:id` query: a short-lived signed token lets `<img src>` work without a bearer header. */
export const attachmentDownloadQuerySchema = z.object({
  token: z.string().min(1).max(512).optional()
})

/** `GET /api/attachments/:id/url` answer. */
export interface AttachmentUrlResponse { url: string, expiresAt: string }
