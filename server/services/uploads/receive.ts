import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import { AppError } from '../../utils/errors'
import { TextScanner } from '../../infra/storage/inspect'

/** The multipart field the contract names. */
export const FILE_FIELD = 'file'
/** Boundaries, part headers and small extra fields a multipart body carries beside the file. */
export const MULTIPART_OVERHEAD = 64 * 1024
/** Enough for the magic numbers and for image sizes behind large EXIF/ICC segments. */
const HEAD_BYTES = 512 * 1024
const MAX_PARTS = 20

export const fileError = (message: string) => new AppError('VALIDATION', `file: ${message}`, { fields: [{ field: FILE_FIELD, message }] })
export const tooLarge = (max: number) => new AppError('PAYLOAD_TOO_LARGE', `file: larger than ${max} bytes`, { maxBytes: max, fields: [{ field: FILE_FIELD, message: `at most ${max} bytes` }] })

export interface ReceivedFile {
  fileName: string
  declaredType: string | null
  size: number
  head: Buffer
  isText: boolean
}

/** True for a multipart/form-data Content-Type, the only body an upload accepts. */
export function isMultipartFormData(contentType: string | null | undefined): contentType is string {
  return !!contentType && /^multipart\/form-data\s*(;|$)/i.test(contentType.trim())
}

/** Counts the whole body, so a chunked one is held to the same bound as a declared Content-Length. */
async function* bounded(body: AsyncIterable<Uint8Array>, maxBytes: number) {
  let total = 0
  for await (const chunk of body) {
    total += chunk.byteLength
    if (total > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes)
    yield chunk
  }
}

/**
 * Streams the `file` part of a multipart body to `path`, counting bytes and stopping the moment
 * the limit is passed; other parts are read, bounded and ignored.
 */
export async function receiveFile(body: AsyncIterable<Uint8Array>, contentType: string, path: string, maxBytes: number): Promise<ReceivedFile> {
  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers send file names as raw UTF-8.
      defParamCharset: 'utf8',
      // busboy signals its limit once a file reaches it, so one byte more tells "over" from "exactly".
      limits: { fileSize: maxBytes + 1, parts: MAX_PARTS, fieldSize: MULTIPART_OVERHEAD }
    })
  } catch {
    throw fileError('send multipart/form-data with a "file" field')
  }

  let failure: unknown
  const fail = (error: unknown) => {
    failure ??= error
    parser.destroy(error instanceof Error ? error : new Error(String(error)))
  }
  let otherBytes = 0
  const countOther = (bytes: number) => {
    otherBytes += bytes
    if (otherBytes > MULTIPART_OVERHEAD) fail(fileError('only one file field is accepted'))
  }

  const state: { file?: ReceivedFile, written?: Promise<void> } = {}
  const headChunks: Buffer[] = []
  const scanner = new TextScanner()

  parser.on('file', (name, stream, info) => {
    // busboy destroys a part's stream with the parser's error, maybe before anyone reads it;
    // that error reaches the caller through the parser, so the stream's own copy is dropped.
    stream.on('error', () => {})
    if (name !== FILE_FIELD || state.file) {
      // Other fields are ignored, but bounded so they cannot carry an unlimited body.
      stream.on('data', (chunk: Buffer) => countOther(chunk.length))
      return
    }
    // Browsers escape ", CR and LF in file names as %22, %0D, %0A (WHATWG HTML form encoding).
    const fileName = (info.filename ?? '').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n')
    const received: ReceivedFile = state.file = { fileName, declaredType: info.mimeType, size: 0, head: Buffer.alloc(0), isText: false }
    stream.once('limit', () => fail(tooLarge(maxBytes)))
    const written = state.written = (async () => {
      const handle = await open(path, 'wx')
      try {
        let headLength = 0
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          received.size += chunk.length
          scanner.push(chunk)
          if (headLength < HEAD_BYTES) {
            const take = Buffer.from(chunk.subarray(0, HEAD_BYTES - headLength))
            headChunks.push(take)
            headLength += take.length
          }
          for (let offset = 0; offset < chunk.length;) {
            const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset)
            offset += bytesWritten
          }
        }
      } finally {
        await handle.close()
      }
    })()
    written.catch(fail)
  })
  parser.on('field', (_name, value, info) => {
    if (info.valueTruncated) fail(fileError('only one file field is accepted'))
    else countOther(Buffer.byteLength(value))
  })
  parser.on('partsLimit', () => fail(fileError('malformed multipart body (too many parts)')))

  try {
    await pipeline(Readable.from(bounded(body, maxBytes)), parser)
    await state.written
  } catch (error) {
    const cause = failure ?? error
    if (cause instanceof AppError) throw cause
    // What busboy rejects (cut short, bad part headers) is the client's fault; file system errors are not.
    if (cause instanceof Error && !('code' in cause)) throw fileError(`malformed multipart body (${cause.message})`)
    throw cause
  } finally {
    await state.written?.catch(() => {})
  }
  if (!state.file) throw fileError(`a multipart field named "${FILE_FIELD}" with a file is required`)
  return { ...state.file, head: Buffer.concat(headChunks), isText: scanner.finish() }
}
