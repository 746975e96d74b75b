import { request } from 'node:http'

export interface RawResponse { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/**
 * Sends a request the way an attacker would: the body in `chunks`, with or without a
 * Content-Length (chunked when `length` is undefined). Resolves with the server's answer as soon
 * as it arrives, even if the server stops reading the body; rejects only if no answer comes.
 */
export function rawRequest(url: string, opts: { method?: string, headers?: Record<string, string>, chunks?: Iterable<string | Buffer>, length?: number }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.length !== undefined) headers['content-length'] = String(opts.length)
    const req = request(url, { method: opts.method ?? 'POST', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    const chunks = opts.chunks ? [...opts.chunks] : []
    let i = 0
    const pump = () => {
      while (i < chunks.length) {
        if (req.destroyed) return
        if (!req.write(chunks[i++]!)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}
