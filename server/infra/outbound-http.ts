import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { lookup as lookupAll } from 'node:dns/promises'
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isPublicAddress } from './ip-ranges'

/** A request the server makes on a user's behalf (push endpoints today) that would reach a non-public address. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS'
  constructor(readonly host: string) {
    super(`refusing to connect to ${host}: not a public address`)
    this.name = 'BlockedAddressError'
  }
}

/** Resolves `hostname` and fails with BlockedAddressError unless every address it names is public. */
export async function assertPublicHost(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host) ? [{ address: host }] : await lookupAll(host, { all: true, verbatim: true })
  if (addresses.length === 0 || addresses.some(a => !isPublicAddress(a.address))) throw new BlockedAddressError(hostname)
}

/**
 * DNS lookup for sockets that may only reach public addresses. It checks the addresses the socket
 * will really connect to, so a name that resolved to a public address a moment ago (DNS rebinding)
 * cannot lead the connection elsewhere.
 */
const publicOnlyLookup = ((hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '')
    const list = addresses as LookupAddress[]
    if (list.length === 0 || list.some(a => !isPublicAddress(a.address))) return callback(new BlockedAddressError(hostname), '')
    if (options.all) return callback(null, list)
    callback(null, list[0]!.address, list[0]!.family)
  })
}) as LookupFunction

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'DELETE'
  headers?: OutgoingHttpHeaders
  body?: Buffer | string | null
  /** Whole request, connect to last byte. */
  timeoutMs?: number
  /** Only for destinations an operator listed by hand (tests' loopback endpoints): skips the public-address check. */
  allowPrivate?: boolean
}

export interface OutboundResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The start of the response body (at most 16 KB), for logs and error details. */
  body: string
}

const MAX_BODY_BYTES = 16 * 1024

/**
 * One outbound HTTP(S) request on Node's own client: no redirects followed, a hard timeout, and
 * (unless `allowPrivate`) only public addresses, checked at connect time. Network failures reject;
 * any HTTP status resolves.
 */
export function outboundRequest(url: string | URL, req: OutboundRequest): Promise<OutboundResponse> {
  const target = new URL(url)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return Promise.reject(new Error(`unsupported protocol ${target.protocol}`))
  const literal = target.hostname.replace(/^\[|\]$/g, '')
  // A literal IP needs no lookup, so the socket's lookup check never sees it.
  if (!req.allowPrivate && isIP(literal) && !isPublicAddress(literal)) return Promise.reject(new BlockedAddressError(target.hostname))
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<OutboundResponse>((done, fail) => {
    // Settled only from I/O callbacks, after `timer` below exists.
    const resolve = (value: OutboundResponse) => { clearTimeout(timer); done(value) }
    const reject = (err: unknown) => { clearTimeout(timer); fail(err) }
    const request = send(target, {
      method: req.method,
      headers: req.headers,
      ...(req.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      // A fresh connection per request: a pooled socket could outlive the address check.
      agent: false
    }, (response) => {
      const chunks: Buffer[] = []
      let kept = 0
      response.on('data', (chunk: Buffer) => {
        if (kept >= MAX_BODY_BYTES) return
        chunks.push(chunk)
        kept += chunk.length
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8') }))
      response.on('error', reject)
    })
    const timer = setTimeout(() => request.destroy(new Error(`request to ${target.origin} timed out`)), req.timeoutMs ?? 15_000)
    request.on('error', reject)
    request.end(req.body ?? undefined)
  })
}
