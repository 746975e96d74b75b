import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

export type Coding = 'br' | 'gzip'

/** Below this a body fits in a packet or two: compressing it saves nothing worth the CPU. */
export const MIN_COMPRESSED_BYTES = 1024

/**
 * Per request, brotli at quality 3: a 37 KB page of messages shrinks to ~19 % in ~0.3 ms of CPU,
 * smaller and no slower than gzip -6 (~21 %, ~0.4 ms); quality 11 would take ~100 ms and is for
 * build-time assets only (Nitro's compressPublicAssets). See BENCHMARKS.md, "Page weight".
 */
const BROTLI_QUALITY = 3
const GZIP_LEVEL = 6

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

export function compress(body: Buffer, coding: Coding): Promise<Buffer> {
  return coding === 'br'
    ? brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : gzipAsync(body, { level: GZIP_LEVEL })
}
