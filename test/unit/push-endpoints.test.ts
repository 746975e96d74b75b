import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

// Push endpoints are URLs a member hands the server, which then POSTs to them: the classic SSRF
// shape. These attack the gate: look-alike hosts, ports, credentials, names resolving to private
// addresses when subscribing, and a name that resolves privately only when the push is sent.

const resolved = vi.hoisted(() => ({ addresses: new Map<string, string[]>() }))

function fakeLookup(host: string) {
  const list = resolved.addresses.get(host)
  if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
  return list.map(address => ({ address, family: address.includes(':') ? 6 : 4 }))
}

vi.mock('node:dns/promises', async (original) => {
  const actual = await original<typeof import('node:dns/promises')>()
  return { ...actual, lookup: async (host: string) => fakeLookup(host) }
})
vi.mock('node:dns', async (original) => {
  const actual = await original<typeof import('node:dns')>()
  const lookup = (host: string, _options: unknown, callback: (err: Error | null, addresses?: { address: string, family: number }[]) => void) => {
    try {
      callback(null, fakeLookup(host))
    } catch (err) {
      callback(err as Error)
    }
  }
  return { ...actual, lookup, default: { ...actual, lookup } }
})

const { isPublicAddress } = await import('../../server/infra/ip-ranges')
const { BlockedAddressError, outboundRequest } = await import('../../server/infra/outbound-http')
const { getPushConfig } = await import('../../server/services/notifications/push/config')
const { checkPushEndpoint, pushOriginRule } = await import('../../server/services/notifications/push/endpoint-policy')

afterEach(() => {
  delete process.env.PUSH_ALLOWED_ORIGINS
  getPushConfig.reset()
  resolved.addresses.clear()
})

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true], ['142.250.185.106', true], ['2a00:1450:4001:82b::200a', true], ['::ffff:8.8.8.8', true],
    ['127.0.0.1', false], ['10.1.2.3', false], ['172.16.0.1', false], ['192.168.0.10', false], ['169.254.169.254', false],
    ['100.64.0.1', false], ['0.0.0.0', false], ['224.0.0.251', false], ['::1', false], ['::', false], ['fe80::1', false],
    ['fd12:3456::1', false], ['::ffff:127.0.0.1', false], ['::ffff:a9fe:a9fe', false], ['64:ff9b::a00:1', false], ['2002:c0a8:1::1', false],
    ['localhost', false], ['', false]
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected)
  })
})

describe('allowed push services (the default list)', () => {
  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc', true],
    ['https://updates.push.services.mozilla.com/wpush/v2/abc', true],
    ['https://wns2-by3p.notify.windows.com/w/?token=abc', true],
    ['https://web.push.apple.com/QGx', true],
    ['http://fcm.googleapis.com/fcm/send/abc', false],
    ['https://fcm.googleapis.com:8443/fcm/send/abc', false],
    ['https://fcm.googleapis.com.evil.example/x', false],
    ['https://evilfcm.googleapis.com/x', false],
    ['https://evil.example/fcm.googleapis.com', false],
    ['https://user:pw@fcm.googleapis.com/x', false],
    ['https://notify.windows.com/x', false],
    ['https://127.0.0.1/x', false],
    ['not a url', false]
  ])('%s → %s', (endpoint, allowed) => {
    expect(Boolean(pushOriginRule(endpoint))).toBe(allowed)
  })

  it('refuses a known service whose name resolves to a private address, and lets a public one through unchecked by hand', async () => {
    resolved.addresses.set('fcm.googleapis.com', ['10.0.0.5'])
    expect(await checkPushEndpoint('https://fcm.googleapis.com/fcm/send/a')).toEqual({ ok: false, reason: 'address' })
    resolved.addresses.set('fcm.googleapis.com', ['142.250.185.106', '::1'])
    expect(await checkPushEndpoint('https://fcm.googleapis.com/fcm/send/a')).toEqual({ ok: false, reason: 'address' })
    resolved.addresses.set('fcm.googleapis.com', ['142.250.185.106'])
    expect(await checkPushEndpoint('https://fcm.googleapis.com/fcm/send/a')).toEqual({ ok: true, trusted: false })
    expect(await checkPushEndpoint('https://example.com/push')).toEqual({ ok: false, reason: 'origin' })
  })
})

describe('PUSH_ALLOWED_ORIGINS', () => {
  it('replaces the defaults; exact origins are trusted as written, wildcards are still checked', async () => {
    process.env.PUSH_ALLOWED_ORIGINS = 'http://127.0.0.1:9999, https://*.push.example'
    expect(await checkPushEndpoint('http://127.0.0.1:9999/p')).toEqual({ ok: true, trusted: true })
    expect(await checkPushEndpoint('http://127.0.0.1:9998/p')).toEqual({ ok: false, reason: 'origin' })
    expect(await checkPushEndpoint('https://fcm.googleapis.com/fcm/send/a')).toEqual({ ok: false, reason: 'origin' })
    resolved.addresses.set('a.push.example', ['192.168.1.2'])
    expect(await checkPushEndpoint('https://a.push.example/p')).toEqual({ ok: false, reason: 'address' })
    await expect(checkPushEndpoint('https://b.push.example/p')).rejects.toThrow(/ENOTFOUND/)
  })

  it('refuses a malformed entry at start rather than allowing too much', () => {
    process.env.PUSH_ALLOWED_ORIGINS = 'https://push.example/path'
    expect(() => getPushConfig()).toThrow(/PUSH_ALLOWED_ORIGINS/)
  })
})

describe('VAPID_SUBJECT', () => {
  afterEach(() => { delete process.env.VAPID_SUBJECT })

  it('must be a mailto: or https: contact', () => {
    for (const good of ['mailto:ops@example.com', 'https://chat.example.com']) {
      process.env.VAPID_SUBJECT = good
      getPushConfig.reset()
      expect(getPushConfig().subject).toBe(good)
    }
    for (const bad of ['ops@example.com', 'http://chat.example.com', 'mailto:nobody']) {
      process.env.VAPID_SUBJECT = bad
      getPushConfig.reset()
      expect(() => getPushConfig()).toThrow(/VAPID_SUBJECT/)
    }
  })
})

describe('outboundRequest', () => {
  let server: Server
  let port: number
  let hits = 0
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++
      res.statusCode = 201
      res.end('created')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise(resolve => server.close(resolve)))

  it('checks the address it connects to: a name that turned private by send time (DNS rebinding) is refused', async () => {
    resolved.addresses.set('rebind.example', ['127.0.0.1'])
    const before = hits
    await expect(outboundRequest(`http://rebind.example:${port}/push`, { method: 'POST', body: 'x' })).rejects.toBeInstanceOf(BlockedAddressError)
    await expect(outboundRequest(`http://127.0.0.1:${port}/push`, { method: 'POST', body: 'x' })).rejects.toBeInstanceOf(BlockedAddressError)
    await expect(outboundRequest(`http://[::1]:${port}/push`, { method: 'POST', body: 'x' })).rejects.toBeInstanceOf(BlockedAddressError)
    expect(hits).toBe(before)
  })

  it('reaches a loopback endpoint only when the operator listed it (allowPrivate)', async () => {
    const res = await outboundRequest(`http://127.0.0.1:${port}/push`, { method: 'POST', body: 'x', allowPrivate: true })
    expect([res.status, res.body]).toEqual([201, 'created'])
  })
})
