/**
 * A small streaming multipart/form-data reader (RFC 7578). h3's readMultipartFormData buffers
 * the whole body; an upload must be counted and cut off while it streams, so parts are handed
 * to the caller chunk by chunk and nothing larger than one boundary is held back.
 */

export interface PartHeaders {
  /** The form field name. */
  name: string
  /** Present for file fields (may be empty when the browser sent no name). */
  fileName: string | null
  contentType: string | null
}

export interface PartSink {
  write(chunk: Buffer): void | Promise<void>
  end(): void | Promise<void>
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MultipartError'
  }
}

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')
const MAX_HEADER_BYTES = 16 * 1024
const MAX_PARTS = 20

/** The boundary parameter of a multipart/form-data Content-Type, or null. */
export function multipartBoundary(contentType: string | null | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) return null
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType)
  return match ? (match[1] ?? match[2]!) : null
}

/** Reads one `name="value"` parameter (quoted or token) from a Content-Disposition header. */
function dispositionParam(header: string, param: string): string | null {
  const star = new RegExp(`;\\s*${param}\\*\\s*=\\s*(?:UTF-8|utf-8)''([^;]*)`).exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim())
    } catch { /* fall back to the plain parameter */ }
  }
  const quoted = new RegExp(`;\\s*${param}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header)
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1')
  const token = new RegExp(`;\\s*${param}\\s*=\\s*([^;\\s]+)`, 'i').exec(header)
  return token ? token[1]! : null
}

function parseHeaders(raw: Buffer): PartHeaders {
  const headers = new Map<string, string>()
  for (const line of raw.toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const disposition = headers.get('content-disposition') ?? ''
  if (!/^form-data\b/i.test(disposition)) throw new MultipartError('part without Content-Disposition: form-data')
  const name = dispositionParam(disposition, 'name')
  if (name === null) throw new MultipartError('part without a field name')
  // Browsers escape ", CR and LF in file names as %22, %0D, %0A (WHATWG HTML form encoding).
  const fileName = dispositionParam(disposition, 'filename')?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n') ?? null
  return { name, fileName, contentType: headers.get('content-type') ?? null }
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done'

/**
 * Streams a multipart body. `onPart` returns a sink for the part's bytes, or null to skip it;
 * errors thrown by a sink (for example a size limit) stop reading at once.
 */
export async function parseMultipart(
  source: AsyncIterable<Uint8Array>,
  boundary: string,
  onPart: (headers: PartHeaders) => PartSink | null | Promise<PartSink | null>
): Promise<void> {
  // Every boundary but the first follows a CRLF; prefixing one makes the first look the same.
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  let buffer: Buffer = Buffer.from(CRLF)
  let state = 'preamble' as State
  let sink: PartSink | null = null
  let parts = 0

  let epilogue = 0

  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        const at = buffer.indexOf(delimiter)
        if (at < 0) {
          // Keep only what could be the start of a delimiter.
          buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length + 1))
          return false
        }
        buffer = buffer.subarray(at + delimiter.length)
        state = 'afterBoundary'
        return true
      }
      case 'afterBoundary': {
        if (buffer.length < 2) return false
        if (buffer[0] === 0x2D && buffer[1] === 0x2D) {
          state = 'done'
          return false
        }
        // Transport padding (spaces, tabs) may sit between the boundary and its CRLF.
        const eol = buffer.indexOf(CRLF)
        if (eol < 0) {
          if (buffer.length > 256) throw new MultipartError('malformed boundary line')
          return false
        }
        buffer = buffer.subarray(eol + 2)
        state = 'headers'
        return true
      }
      case 'headers': {
        const end = buffer.indexOf(HEADER_END)
        if (end < 0) {
          if (buffer.length > MAX_HEADER_BYTES) throw new MultipartError('part headers too large')
          return false
        }
        if (++parts > MAX_PARTS) throw new MultipartError('too many parts')
        const headers = parseHeaders(buffer.subarray(0, end))
        buffer = buffer.subarray(end + HEADER_END.length)
        sink = await onPart(headers)
        state = 'body'
        return true
      }
      case 'body': {
        const at = buffer.indexOf(delimiter)
        if (at >= 0) {
          if (sink && at > 0) await sink.write(buffer.subarray(0, at))
          if (sink) await sink.end()
          sink = null
          buffer = buffer.subarray(at + delimiter.length)
          state = 'afterBoundary'
          return true
        }
        // Pass on all but a tail that could be the beginning of the next delimiter.
        const safe = buffer.length - delimiter.length + 1
        if (safe > 0) {
          if (sink) await sink.write(buffer.subarray(0, safe))
          buffer = buffer.subarray(safe)
        }
        return false
      }
      case 'done':
        return false
    }
  }

  for await (const chunk of source) {
    if (state === 'done') {
      // Read the epilogue to the end so the connection stays usable, but only a little of it.
      epilogue += chunk.byteLength
      if (epilogue > MAX_HEADER_BYTES) throw new MultipartError('too much data after the closing boundary')
      continue
    }
    // Copy: the source may reuse its chunk memory once we yield.
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk])
    while (await step()) { /* consume what is complete */ }
  }
  if (state !== 'done') throw new MultipartError('multipart body ended before its closing boundary')
}
