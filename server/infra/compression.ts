import { promisify } from 'node:util'
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib'

export type Coding = 'br' | 'gzip'

/** Below this a body fits in a packet or two: compressing it saves nothing worth the CPU. */
export const MIN_COMPRESSED_BYTES = 1024

/**
 * Per request, brotli at quality 3: a 37 KB page of messages shrinks to ~19 % in ~0.3 ms of CPU,
 * smaller and no slower than gzip -6 (~21 %, ~0.4 ms); quality 11 would take ~100 ms and is for
 * build-time assets only (Nitro's compressPublicAssets). See BENCHMARKS.md, "Page weight".
 * Gzip is only for clients without brotli (browsers all have it): level 3, zlib's best fast level,
 * writes a 43 KB page 6 % larger than -6 (7.5 KB against 7.1 KB) in 40 % of the CPU (~0.09 ms).
 */
const BROTLI_QUALITY = 3
const GZIP_LEVEL = 3

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/** Types worth compressing per response: the page shell and the API's JSON (and CSV/plain text). */
const COMPRESSIBLE = /^(?:text\/html|application\/(?:[\w.+-]+\+)?json|text\/plain|text\/csv)\b/i

export function compressibleType(contentType: string | undefined): boolean {
  return Boolean(contentType && COMPRESSIBLE.test(contentType))
}

/**
 * The coding to answer with, from Accept-Encoding: brotli when accepted, else gzip, else none.
 * A coding with q=0 is refused; `*` stands for any coding not named.
 */
export function pickCoding(acceptEncoding: string | undefined): Coding | null {
  if (!acceptEncoding) return null
  const weights = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    const q = params.map(p => p.trim()).find(p => p.startsWith('q='))
    const weight = q ? Number(q.slice(2)) : 1
    weights.set(name, Number.isFinite(weight) ? weight : 0)
  }
  const weightOf = (coding: Coding) => weights.get(coding) ?? weights.get('*') ?? 0
  if (weightOf('br') > 0 && weightOf('br') >= weightOf('gzip')) return 'br'
  if (weightOf('gzip') > 0) return 'gzip'
  return null
}

/**
 * Bodies up to this size are compressed on the event loop. Handing a page of messages (~40 KB) to
 * libuv's pool costs more CPU than compressing it (the stream API's chunks and the thread hand-offs:
 * gzip -6 of a 43 KB page ~0.42 ms on the pool against ~0.26 ms inline), and blocks the loop no
 * longer than serialising it did. Larger bodies (exports, big syncs) still go to the pool.
 */
export const INLINE_MAX_BYTES = 128 * 1024

export async function compress(body: Buffer, coding: Coding): Promise<Buffer> {
  const inline = body.length <= INLINE_MAX_BYTES
  if (coding === 'br') {
    const options = { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }
    return inline ? brotliCompressSync(body, options) : brotli(body, options)
  }
  return inline ? gzipSync(body, { level: GZIP_LEVEL }) : gzipAsync(body, { level: GZIP_LEVEL })
}
