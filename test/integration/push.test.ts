import { createECDH, randomBytes, type ECDH } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PushMessage, PushSubscriptionView } from '#shared/push-schemas'
import type { Conversation } from '#shared/types'
import { startInstance, SUITE_AUTH_LIMITS, type Instance } from '../support/instance.mjs'
import { ack, api, closeAllSockets, connect, must, sendOk, setupConversation, signUp, sleep, until, type Session } from '../support/helpers'

// Web Push without a vendor relay, against a push service started here: the server encrypts each
// push for the subscription's keys (aes128gcm) and signs a VAPID token; this test decrypts and
// verifies both as a browser's push service and the browser would. The instance lists the local
// endpoint in PUSH_ALLOWED_ORIGINS (loopback and http: are trusted only when listed as written).

const require = createRequire(import.meta.url)
const ece = require('http_ece') as { decrypt: (body: Buffer, params: { version: 'aes128gcm', privateKey: ECDH, authSecret: string }) => Buffer }

interface Received { path: string, headers: IncomingHttpHeaders, body: Buffer }

/** A stand-in push service: records every push, answers each path with the status set for it (201 by default). */
function pushService() {
  const received: Received[] = []
  const statusFor = new Map<string, number>()
  const failOnce = new Set<string>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) })
      res.statusCode = failOnce.delete(path) ? 503 : statusFor.get(path) ?? 201
      res.end()
    })
  })
  return { server, received, statusFor, failOnce }
}

/** What a browser keeps for one subscription: its P-256 key pair and auth secret, and the endpoint. */
function browserKeys(origin: string, path: string) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16).toString('base64url')
  return { ecdh, auth, path, body: { endpoint: `${origin}${path}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } } }
}

const PUBLIC_URL = 'https://chat.example.test'

let service: ReturnType<typeof pushService>
let origin: string
let instance: Instance
let base: string

beforeAll(async () => {
  service = pushService()
  await new Promise<void>(resolve => service.server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`
  instance = await startInstance({ name: 'push', pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, PUSH_ALLOWED_ORIGINS: origin, PUBLIC_URL, PUSH_SUBSCRIPTIONS_PER_HOUR: '25' } })
  base = instance.url
})

afterAll(async () => {
  await instance?.stop()
  await new Promise(resolve => service?.server.close(resolve))
})

afterEach(() => closeAllSockets())

const subscribe = (session: Session, body: unknown) => api<{ subscription: PushSubscriptionView, error?: { code: string } }>(base, 'POST', '/api/push/subscriptions', { token: session.token, body })
const list = (session: Session) => api<{ subscriptions: PushSubscriptionView[] }>(base, 'GET', '/api/push/subscriptions', { token: session.token })

/** Alice and Bob in a project, and their direct conversation; Alice is connected, Bob is not. */
async function aliceAndBob() {
  const [alice, bob] = await Promise.all([signUp('Alice', base), signUp('Bob', base)])
  await setupConversation(alice, [bob])
  const { conversation } = must(await api<{ conversation: Conversation }>(base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } }), 'dm')
  const a = await connect(alice)
  return { alice, bob, dm: conversation, a }
}

const pushesTo = (path: string) => service.received.filter(r => r.path === path)

describe('web push', () => {
  it('a DM to a member with no open app arrives encrypted (aes128gcm) with a valid VAPID token', async () => {
    const { alice, bob, dm, a } = await aliceAndBob()
    const device = browserKeys(origin, `/push/${bob.user.id}`)
    const { subscription } = must(await subscribe(bob, device.body), 'subscribe')
    expect(subscription).toMatchObject({ endpoint: device.body.endpoint })
    const { publicKey } = must(await api<{ publicKey: string }>(base, 'GET', '/api/push/vapid-key', { token: bob.token }), 'vapid key')

    const message = await sendOk(a, dm.id, 'lunch at noon?')
    await until(() => pushesTo(device.path).length > 0, 10_000, 'the push')
    const [push] = pushesTo(device.path)

    expect(push!.headers['content-encoding']).toBe('aes128gcm')
    expect(Number(push!.headers.ttl)).toBeGreaterThan(0)
    // VAPID (RFC 8292): `vapid t=<ES256 JWT>, k=<the server's public key>`.
    const vapid = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(push!.headers.authorization ?? '')
    expect(vapid, push!.headers.authorization).not.toBeNull()
    const [, token, k] = vapid!
    expect(k).toBe(publicKey)
    expect(decodeProtectedHeader(token!).alg).toBe('ES256')
    const point = Buffer.from(k!, 'base64url')
    expect(point).toHaveLength(65)
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, 'ES256')
    const { payload: claims } = await jwtVerify(token!, key, { audience: origin, algorithms: ['ES256'] })
    expect(claims.sub).toBe(PUBLIC_URL)
    const now = Date.now() / 1000
    expect(claims.exp).toBeGreaterThan(now)
    expect(claims.exp).toBeLessThanOrEqual(now + 24 * 3600)

    const decrypted = JSON.parse(ece.decrypt(push!.body, { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.auth }).toString('utf8')) as PushMessage
    expect(decrypted).toMatchObject({ title: 'Alice', body: 'lunch at noon?', kind: 'dm', conversationId: dm.id, messageId: message.id })
    expect(decrypted.url).toBe(`${PUBLIC_URL}/c/${dm.id}#m-${message.seq}`)
    // The push service sees ciphertext only.
    expect(push!.body.includes(Buffer.from('lunch'))).toBe(false)

    await until(async () => must(await list(bob), 'list').subscriptions.length === 1, 2000, 'the subscription to stay')
    expect(pushesTo(device.path)).toHaveLength(1)
    expect(alice.user.id).not.toBe(bob.user.id)
  })

  it('a mention reaches every device of the member; a 410 answer deletes that subscription, a 503 is retried', async () => {
    const [dave, bob] = await Promise.all([signUp('Dave', base), signUp('Bob', base)])
    const { conversation } = await setupConversation(dave, [bob], 'mentions')
    const phone = browserKeys(origin, `/push/${bob.user.id}/phone`)
    const laptop = browserKeys(origin, `/push/${bob.user.id}/laptop`)
    must(await subscribe(bob, phone.body), 'subscribe phone')
    must(await subscribe(bob, laptop.body), 'subscribe laptop')
    service.statusFor.set(laptop.path, 410)
    service.failOnce.add(phone.path)

    const d = await connect(dave)
    await sendOk(d, conversation.id, '@Bob can you look?')
    // The phone's push service is down for the first try; the job queue tries again.
    await until(() => pushesTo(phone.path).length === 2 && pushesTo(laptop.path).length === 1, 15_000, 'a retried push to the phone and one to the laptop')
    const decrypted = JSON.parse(ece.decrypt(pushesTo(phone.path)[1]!.body, { version: 'aes128gcm', privateKey: phone.ecdh, authSecret: phone.auth }).toString('utf8')) as PushMessage
    expect(decrypted).toMatchObject({ kind: 'mention', title: 'Dave in mentions', body: '@Bob can you look?', conversationId: conversation.id })
    await until(async () => must(await list(bob), 'list').subscriptions.length === 1, 5000, 'the 410 subscription to go')
    expect(must(await list(bob), 'list').subscriptions.map(s => s.endpoint)).toEqual([phone.body.endpoint])
    await sleep(500)
    expect(pushesTo(laptop.path)).toHaveLength(1)
  })

  it('no push while one of the member\'s clients is visible; without previews the push carries no text', async () => {
    const { bob, dm, a } = await aliceAndBob()
    const device = browserKeys(origin, `/push/${bob.user.id}/visible`)
    must(await subscribe(bob, device.body), 'subscribe')
    const b = await connect(bob)
    expect(await ack(b, 'client:state', { visible: true, conversationId: null })).toEqual({ ok: true })
    await sendOk(a, dm.id, 'you are looking at the app')
    await sleep(1000)
    expect(pushesTo(device.path)).toEqual([])

    must(await api(base, 'PATCH', '/api/me', { token: bob.token, body: { notificationPreview: false } }), 'previews off')
    expect(await ack(b, 'client:state', { visible: false, conversationId: null })).toEqual({ ok: true })
    const secret = await sendOk(a, dm.id, 'the secret plan')
    await until(() => pushesTo(device.path).length === 1, 10_000, 'the push once hidden')
    const push = pushesTo(device.path)[0]!
    const decrypted = JSON.parse(ece.decrypt(push.body, { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.auth }).toString('utf8')) as PushMessage
    expect(decrypted).toMatchObject({ title: 'Alice', body: '', messageId: secret.id })
  })
})

describe('push subscriptions', () => {
  it('refuse endpoints outside the allowed push services and private addresses, with VALIDATION', async () => {
    const bob = await signUp('Bob', base)
    for (const endpoint of ['https://10.0.0.1/x', 'http://example.com/push', 'https://localhost/push', 'https://fcm.googleapis.com/fcm/send/abc', `${origin.replace('127.0.0.1', 'localhost')}/push`, 'ftp://127.0.0.1/x']) {
      const res = await subscribe(bob, { ...browserKeys(origin, '/x').body, endpoint })
      expect([endpoint, res.status, res.body.error?.code]).toEqual([endpoint, 400, 'VALIDATION'])
    }
    expect(must(await list(bob), 'list').subscriptions).toEqual([])
  })

  it('refuse malformed keys', async () => {
    const bob = await signUp('Bob', base)
    const good = browserKeys(origin, '/keys').body
    for (const keys of [{ ...good.keys, p256dh: 'short' }, { ...good.keys, auth: randomBytes(8).toString('base64url') }, { p256dh: good.keys.p256dh }]) {
      const res = await subscribe(bob, { endpoint: good.endpoint, keys })
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION'])
    }
  })

  it('are listed and deleted by their owner only; someone else\'s is NOT_FOUND and stays', async () => {
    const [bob, mallory] = await Promise.all([signUp('Bob', base), signUp('Mallory', base)])
    const device = browserKeys(origin, `/push/${bob.user.id}/own`)
    const { subscription } = must(await subscribe(bob, device.body), 'subscribe')
    expect(must(await list(mallory), 'list').subscriptions).toEqual([])
    const stolen = await api<{ error: { code: string } }>(base, 'DELETE', `/api/push/subscriptions/${subscription.id}`, { token: mallory.token })
    expect([stolen.status, stolen.body.error.code]).toEqual([404, 'NOT_FOUND'])
    expect(must(await list(bob), 'list').subscriptions.map(s => s.id)).toEqual([subscription.id])
    expect((await api(base, 'GET', '/api/push/subscriptions')).status).toBe(401)
    expect(must(await api(base, 'DELETE', `/api/push/subscriptions/${subscription.id}`, { token: bob.token }), 'delete')).toEqual({ ok: true })
    expect(must(await list(bob), 'list').subscriptions).toEqual([])
    const again = await api<{ error: { code: string } }>(base, 'DELETE', `/api/push/subscriptions/${subscription.id}`, { token: bob.token })
    expect(again.status).toBe(404)
  })

  it('re-subscribing an endpoint moves it to the new member without a duplicate, and pushes follow it', async () => {
    const [bob, carol] = await Promise.all([signUp('Bob', base), signUp('Carol', base)])
    const device = browserKeys(origin, `/push/shared-${bob.user.id}`)
    const first = must(await subscribe(bob, device.body), 'bob subscribes').subscription
    const moved = must(await subscribe(carol, device.body), 'carol subscribes').subscription
    expect(moved.id).toBe(first.id)
    expect(must(await list(bob), 'list').subscriptions).toEqual([])
    expect(must(await list(carol), 'list').subscriptions.map(s => s.endpoint)).toEqual([device.body.endpoint])

    // A DM to Bob no longer reaches the device Carol took over; one to Carol does.
    const alice = await signUp('Alice', base)
    await setupConversation(alice, [bob, carol])
    const dm = async (to: Session) => must(await api<{ conversation: Conversation }>(base, 'POST', '/api/dm', { token: alice.token, body: { userId: to.user.id } }), 'dm').conversation
    const a = await connect(alice)
    await sendOk(a, (await dm(bob)).id, 'only for Bob')
    await sleep(1000)
    expect(pushesTo(device.path)).toEqual([])
    await sendOk(a, (await dm(carol)).id, 'for Carol')
    await until(() => pushesTo(device.path).length === 1, 10_000, 'the push to Carol\'s device')
    const decrypted = JSON.parse(ece.decrypt(pushesTo(device.path)[0]!.body, { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.auth }).toString('utf8')) as PushMessage
    expect(decrypted).toMatchObject({ title: 'Alice', body: 'for Carol' })
  })

  it('keep at most 20 per member, dropping the oldest', async () => {
    const bob = await signUp('Bob', base)
    const devices = Array.from({ length: 21 }, (_, i) => browserKeys(origin, `/push/${bob.user.id}/cap-${i}`))
    for (const device of devices) must(await subscribe(bob, device.body), 'subscribe')
    const kept = must(await list(bob), 'list').subscriptions.map(s => s.endpoint)
    expect(kept).toHaveLength(20)
    expect(kept).not.toContain(devices[0]!.body.endpoint)
    expect(kept).toContain(devices[20]!.body.endpoint)
  })

  it('are rate limited per member (PUSH_SUBSCRIPTIONS_PER_HOUR, 25 on this instance)', async () => {
    const bob = await signUp('Bob', base)
    for (let i = 0; i < 25; i++) must(await subscribe(bob, browserKeys(origin, `/push/${bob.user.id}/rl-${i}`).body), `subscribe ${i}`)
    const res = await subscribe(bob, browserKeys(origin, `/push/${bob.user.id}/rl-last`).body)
    expect([res.status, res.body.error?.code]).toEqual([429, 'RATE_LIMITED'])
  })
})
