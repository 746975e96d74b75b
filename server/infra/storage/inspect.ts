import {
  UPLOAD_MIME_ALIASES, UPLOAD_TYPES, isUploadMimeType, type UploadMimeType, type UploadSignature
} from '#shared/upload-schemas'

/** What the first bytes say a file is; `binary` is anything else that is not clean UTF-8 text. */
export type SniffedKind = Exclude<UploadSignature, 'text'> | 'text' | 'binary'

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b)
const ascii = (s: string) => [...s].map(c => c.charCodeAt(0))

const MAGIC: readonly [Exclude<SniffedKind, 'text' | 'binary'>, (head: Uint8Array) => boolean][] = [
  ['png', h => startsWith(h, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])],
  ['jpeg', h => startsWith(h, [0xFF, 0xD8, 0xFF])],
  ['gif', h => startsWith(h, ascii('GIF87a')) || startsWith(h, ascii('GIF89a'))],
  ['webp', h => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WEBP'), 8)],
  ['pdf', h => startsWith(h, ascii('%PDF-'))],
  // Local file header, empty archive, spanned archive.
  ['zip', h => startsWith(h, [0x50, 0x4B, 0x03, 0x04]) || startsWith(h, [0x50, 0x4B, 0x05, 0x06]) || startsWith(h, [0x50, 0x4B, 0x07, 0x08])],
  ['ole', h => startsWith(h, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])]
]

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
export function sniffKind(head: Uint8Array, isText: boolean): SniffedKind {
  for (const [kind, test] of MAGIC) if (test(head)) return kind
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

const MAX_DIMENSION = 2 ** 31 - 1

function sized(width: number, height: number): ImageSize | null {
  return width > 0 && height > 0 && width <= MAX_DIMENSION && height <= MAX_DIMENSION ? { width, height } : null
}

function jpegSize(b: Buffer): ImageSize | null {
  let i = 2
  while (i + 4 <= b.length) {
    if (b[i] !== 0xFF) return null
    const marker = b[i + 1]!
    // Fill bytes, and markers that stand alone without a length.
    if (marker === 0xFF) {
      i++
      continue
    }
    if (marker === 0x01 || marker === 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
      i += 2
      continue
    }
    if (marker === 0xD9 || marker === 0xDA) return null
    const length = b.readUInt16BE(i + 2)
    // Start-of-frame markers carry the size; C4 (DHT), C8 (reserved) and CC (DAC) do not.
    if (marker >= 0xC0 && marker <= 0xCF && marker !== 0xC4 && marker !== 0xC8 && marker !== 0xCC) {
      if (i + 9 > b.length) return null
      return sized(b.readUInt16BE(i + 7), b.readUInt16BE(i + 5))
    }
    i += 2 + length
  }
  return null
}

function webpSize(b: Buffer): ImageSize | null {
  if (b.length < 30) return null
  const chunk = b.toString('latin1', 12, 16)
  if (chunk === 'VP8 ' && b[23] === 0x9D && b[24] === 0x01 && b[25] === 0x2A) {
    return sized(b.readUInt16LE(26) & 0x3FFF, b.readUInt16LE(28) & 0x3FFF)
  }
  if (chunk === 'VP8L' && b[20] === 0x2F) {
    const bits = b.readUInt32LE(21)
    return sized((bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1)
  }
  if (chunk === 'VP8X') return sized(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1)
  return null
}

/** Width and height from an image's header bytes (png, jpeg, gif, webp); null when they are not in `head`. */
export function readImageSize(head: Uint8Array, kind: SniffedKind): ImageSize | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  switch (kind) {
    case 'png':
      return b.length >= 24 && b.toString('latin1', 12, 16) === 'IHDR' ? sized(b.readUInt32BE(16), b.readUInt32BE(20)) : null
    case 'gif':
      return b.length >= 10 ? sized(b.readUInt16LE(6), b.readUInt16LE(8)) : null
    case 'webp':
      return webpSize(b)
    case 'jpeg':
      return jpegSize(b)
    default:
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
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
