import createContentDisposition from 'content-disposition'
import { fileTypeFromBuffer } from 'file-type'
import { imageSize } from 'image-size'
import {
  UPLOAD_MIME_ALIASES, UPLOAD_TYPES, isUploadMimeType, type UploadMimeType, type UploadSignature
} from '#shared/upload-schemas'

/** What the first bytes say a file is; `binary` is anything else that is not clean UTF-8 text. */
export type SniffedKind = Exclude<UploadSignature, 'text'> | 'text' | 'binary'

type MagicKind = Exclude<SniffedKind, 'text' | 'binary'>

/** file-type's names for the formats the allow-list knows, by the container they share. */
const KIND_BY_EXTENSION: Readonly<Record<string, MagicKind>> = {
  png: 'png', apng: 'png',
  // JPEG-LS shares the JPEG start-of-image marker.
  jpg: 'jpeg', jls: 'jpeg',
  gif: 'gif',
  webp: 'webp',
  pdf: 'pdf', ai: 'pdf',
  // file-type looks inside zip archives and names what it finds; to the allow-list they are all zip.
  ...Object.fromEntries([
    'zip', 'docx', 'docm', 'dotx', 'dotm', 'xlsx', 'xlsm', 'xltx', 'xltm', 'pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm',
    'odt', 'ott', 'ods', 'ots', 'odp', 'otp', 'odg', 'otg', 'epub', 'jar', 'apk', 'xpi', '3mf', 'vsdx', 'key', 'numbers', 'pages'
  ].map(ext => [ext, 'zip' as const])),
  cfb: 'ole'
}

/**
 * Watches every chunk of an upload so text types are judged on the whole file, not just its
 * head: valid UTF-8 and no NUL byte anywhere.
 */
export class TextScanner {
  private decoder = new TextDecoder('utf-8', { fatal: true })
  private valid = true

  push(chunk: Uint8Array): void {
    if (!this.valid) return
    if (chunk.includes(0)) {
      this.valid = false
      return
    }
    try {
      this.decoder.decode(chunk, { stream: true })
    } catch {
      this.valid = false
    }
  }

  /** True when everything pushed was clean UTF-8 text. */
  finish(): boolean {
    if (!this.valid) return false
    try {
      this.decoder.decode()
      return true
    } catch {
      return false
    }
  }
}

/** Names the format from the magic bytes; `isText` is the TextScanner's verdict on the whole file. */
export async function sniffKind(head: Uint8Array, isText: boolean): Promise<SniffedKind> {
  // file-type reads past a truncated container (a zip cut at the head) and may throw; that is "unknown".
  const detected = await fileTypeFromBuffer(head).catch(() => undefined)
  const kind = detected && KIND_BY_EXTENSION[detected.ext]
  if (kind) return kind
  return isText ? 'text' : 'binary'
}

const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown'])

/** `Image/JPG; charset=x` → `image/jpeg`; unknown names pass through lower-cased. */
export function canonicalMimeType(declared: string | null | undefined): string {
  const bare = (declared ?? '').split(';')[0]!.trim().toLowerCase()
  return UPLOAD_MIME_ALIASES[bare] ?? bare
}

/** The allowed type a file name's extension stands for, if any. */
export function mimeTypeFromFileName(fileName: string): UploadMimeType | undefined {
  const dot = fileName.lastIndexOf('.')
  if (dot < 0) return undefined
  const ext = fileName.slice(dot + 1).toLowerCase()
  return (Object.keys(UPLOAD_TYPES) as UploadMimeType[]).find(type => (UPLOAD_TYPES[type].extensions as readonly string[]).includes(ext))
}

const matches = (type: UploadMimeType, kind: SniffedKind) => UPLOAD_TYPES[type].signature === kind

export type TypeVerdict = { ok: true, mimeType: UploadMimeType } | { ok: false, reason: string }

/**
 * Decides the stored type from what the client declared, the file name and the sniffed bytes.
 * The declared type must be allowed and agree with the bytes; a generic or missing one falls
 * back to the extension, then to an unambiguous magic number.
 */
export function resolveUploadType(input: { declared: string | null | undefined, fileName: string, kind: SniffedKind }): TypeVerdict {
  const declared = canonicalMimeType(input.declared)
  const fromName = mimeTypeFromFileName(input.fileName)
  if (!GENERIC_TYPES.has(declared)) {
    if (!isUploadMimeType(declared)) return { ok: false, reason: `type ${declared} is not allowed` }
    if (matches(declared, input.kind)) {
      // text/plain is what many systems say for any text; the extension is more precise.
      if (declared === 'text/plain' && fromName && matches(fromName, input.kind)) return { ok: true, mimeType: fromName }
      return { ok: true, mimeType: declared }
    }
    // Windows browsers label .csv files with Excel's type when Excel is installed.
    if (declared === 'application/vnd.ms-excel' && fromName === 'text/csv' && input.kind === 'text') return { ok: true, mimeType: 'text/csv' }
    return { ok: false, reason: `content does not match the declared type ${declared}` }
  }
  if (fromName) {
    return matches(fromName, input.kind)
      ? { ok: true, mimeType: fromName }
      : { ok: false, reason: `content does not match the .${input.fileName.split('.').pop()!.toLowerCase()} extension` }
  }
  const bySignature: Partial<Record<SniffedKind, UploadMimeType>> = {
    png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf', zip: 'application/zip', text: 'text/plain'
  }
  const guessed = bySignature[input.kind]
  return guessed ? { ok: true, mimeType: guessed } : { ok: false, reason: 'file type not recognised or not allowed' }
}

export interface ImageSize { width: number, height: number }

const SIZED_KINDS = new Set<SniffedKind>(['png', 'jpeg', 'gif', 'webp'])

/** Width and height as displayed, from an image's header bytes (png, jpeg, gif, webp); null when they are not in `head`. */
export function readImageSize(head: Uint8Array, kind: SniffedKind): ImageSize | null {
  if (!SIZED_KINDS.has(kind)) return null
  try {
    // A copy: image-size reads past the end of a view into the rest of its ArrayBuffer.
    const { width, height, orientation } = imageSize(new Uint8Array(head))
    if (!(width > 0 && height > 0)) return null
    // EXIF orientations 5–8 turn the picture a quarter: it is shown (and thumbnailed) the other way round.
    return orientation && orientation >= 5 ? { width: height, height: width } : { width, height }
  } catch {
    // Truncated or unusual headers: the attachment is stored without dimensions.
    return null
  }
}

const MAX_NAME_CHARS = 180
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i

function truncateKeepingExtension(name: string, max: number): string {
  const chars = Array.from(name)
  if (chars.length <= max) return name
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 ? Array.from(name.slice(dot)) : []
  if (ext.length >= max / 2) return chars.slice(0, max).join('')
  return chars.slice(0, max - ext.length).join('').trimEnd() + ext.join('')
}

/**
 * A display- and download-safe file name: last path segment only, no control, bidi-override or
 * zero-width characters (they disguise extensions), none of `<>:"/\|?*`, no leading dots, bounded length.
 */
export function sanitizeFileName(raw: string | null | undefined): string {
  let name = (raw ?? '').normalize('NFC')
  name = name.split(/[\\/]/).pop() ?? ''
  name = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, '')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '')
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`
  name = truncateKeepingExtension(name, MAX_NAME_CHARS)
  return name || 'file'
}

/**
 * The last segment of a storage key: ASCII letters, digits, `.`, `_`, `-` only, because Supabase
 * Storage rejects many other characters in object names. The real name stays in the database.
 */
export function storageKeyName(fileName: string): string {
  const slug = fileName.normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/-\.|\.-/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
  return truncateKeepingExtension(slug, 100) || 'file'
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const fallback = fileName.normalize('NFKD').replace(/[\u0300-\u036F]/g, '').replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_')
  return createContentDisposition(fileName, { type: kind, fallback })
}
