import { readFileSync } from 'node:fs'
import { createServer, request, type Server, type ServerResponse } from 'node:http'

/** The recorded Storage answer for the bucket look-up the server's health check makes. */
const bucketRecording = JSON.parse(readFileSync(new URL('../../fixtures/storage-api/get-bucket.json', import.meta.url), 'utf8')) as {
  response: { status: number, body: Record<string, unknown> }
}

function answerBucket(res: ServerResponse, bucket: string, authorized: boolean) {
  if (!authorized) {
    res.writeHead(400, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ statusCode: '403', error: 'Unauthorized', message: 'Invalid Compact JWS' }))
  }
  const now = new Date().toISOString()
  const body = JSON.parse(JSON.stringify(bucketRecording.response.body).replaceAll('{bucket}', bucket).replaceAll('{now}', now))
  res.writeHead(bucketRecording.response.status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

/** What the gateway serves without an apikey: the key set, and the links people open from emails or providers. */
const OPEN_ROUTES = /^\/(\.well-known\/|verify\b|callback\b|authorize\b)/

export interface AuthProxy { url: string, server: Server, close: () => Promise<void>, hits: () => Record<string, number> }

/**
 * The piece of the Supabase API gateway our server relies on: `${SUPABASE_URL}/auth/v1/*` is
 * Supabase Auth, whose own routes sit at the root. Like the gateway, it wants an `apikey` header
 * (anon or service key) except on /auth/v1/.well-known/* and the links opened from emails
 * (/verify, /callback, /authorize), which are public. Of Storage it answers
 * only the bucket look-up of the server's health check, from the recorded Storage API shapes.
 */
export async function startAuthProxy(opts: { target: string, apiKeys: string[], port?: number }): Promise<AuthProxy> {
  const target = new URL(opts.target)
  const counts: Record<string, number> = {}
  const server = createServer((req, res) => {
    const url = req.url ?? '/'
    const bucket = /^\/storage\/v1\/bucket\/([\w-]+)$/.exec(url)
    if (bucket && req.method === 'GET') {
      const key = String(req.headers.apikey ?? '')
      return answerBucket(res, bucket[1]!, opts.apiKeys.includes(key) && req.headers.authorization === `Bearer ${key}`)
    }
    if (!url.startsWith('/auth/v1/')) {
      res.writeHead(404, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ message: 'no Route matched with those values' }))
    }
    const path = url.slice('/auth/v1'.length)
    counts[path.split('?')[0]!] = (counts[path.split('?')[0]!] ?? 0) + 1
    if (!OPEN_ROUTES.test(path) && !opts.apiKeys.includes(String(req.headers.apikey ?? ''))) {
      res.writeHead(401, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ message: 'No API key found in request' }))
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: `auth upstream failed: ${error.message}` }))
    })
    req.pipe(upstream)
  })
  await new Promise<void>(resolve => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }), hits: () => ({ ...counts }) }
}
