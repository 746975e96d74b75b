import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types'
import type { PresenceEntry } from '#shared/presence-schemas'
import { api, closeAllSockets, connect, must, nextEvent, send, sendOk, setupConversation, signUp, sleep, until } from '../support/helpers'
import { SUITE_AUTH_LIMITS, startInstance, type Instance } from '../support/instance.mjs'

// A three-master Redis Cluster of this file's own, and two instances whose only Redis it is (they
// share the suite's Postgres): whatever crosses from one instance to the other went through the cluster.
const PORTS = [17031, 17032, 17033]
const CHAT_RATE_LIMIT = 6
const redisCli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 30_000 })

const nodes: ChildProcess[] = []
const servers: Instance[] = []
let clusterDir = ''
let C = ''
let D = ''

async function startCluster() {
  clusterDir = mkdtempSync(join(tmpdir(), 'chat-redis-cluster-'))
  for (const port of PORTS) {
    redisCli(port, 'shutdown', 'nosave') // a node left behind by an aborted run
    const node = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(clusterDir, `nodes-${port}.conf`),
      '--dir', clusterDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'
    ], { stdio: 'ignore' })
    nodes.push(node)
  }
  await until(() => PORTS.every(port => redisCli(port, 'ping').stdout.includes('PONG')), 10_000, 'the cluster nodes to answer', 100)
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...PORTS.map(p => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 60_000 })
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`)
  await until(() => PORTS.every(port => redisCli(port, 'cluster', 'info').stdout.includes('cluster_state:ok')), 30_000, 'cluster_state:ok on every node', 200)
}

/** Keys each node holds (a node answers for its own slots only). */
const keysPerNode = () => PORTS.map(port => Number(redisCli(port, 'dbsize').stdout.trim()))
/** Keys matching a pattern across the cluster. */
const scanCluster = (pattern: string) => PORTS.flatMap(port => redisCli(port, '--scan', '--pattern', pattern).stdout.split('\n').filter(Boolean))

const presenceOn = async (base: string, viewer: Awaited<ReturnType<typeof signUp>>, ids: string[]) =>
  must(await api<{ presence: PresenceEntry[] }>(base, 'GET', `/api/presence?userIds=${ids.join(',')}`, { token: viewer.token }), 'presence').presence

beforeAll(async () => {
  await startCluster()
  const { databaseUrl, dataDir } = inject('services')
  const env = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    REDIS_URL: `redis://${PORTS.map(p => `127.0.0.1:${p}`).join(',')}`,
    CHAT_RATE_LIMIT_PER_MINUTE: String(CHAT_RATE_LIMIT),
    // Not inherited from a run of the suite on another adapter: a cluster takes the sharded one.
    SOCKET_ADAPTER: '',
    REDIS_CLUSTER: '',
    ...SUITE_AUTH_LIMITS
  }
  servers.push(...await Promise.all([startInstance({ name: 'C', env }), startInstance({ name: 'D', env })]))
  C = servers[0]!.url
  D = servers[1]!.url
}, 180_000)

afterEach(() => closeAllSockets())

afterAll(async () => {
  const logDir = join(import.meta.dirname, '..', '..', 'test-output', 'services')
  mkdirSync(logDir, { recursive: true })
  for (const s of servers) writeFileSync(join(logDir, `server-cluster-${s.name}.log`), s.output())
  await Promise.all(servers.map(s => s.stop()))
  for (const node of nodes) node.kill('SIGKILL')
  await Promise.all(nodes.map(node => node.exitCode === null && node.signalCode === null ? new Promise(r => node.once('exit', r)) : null))
  if (clusterDir) rmSync(clusterDir, { recursive: true, force: true })
})

describe('REDIS_URL naming a Redis Cluster', () => {
  it('health reports the cluster, every master answering', async () => {
    for (const base of [C, D]) {
      const res = await api<{ status: string, redis: { status: string, kind?: string } }>(base, 'GET', '/api/health')
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ status: 'ok', redis: { status: 'ok', kind: 'cluster' } })
    }
  })

  it('a message sent on one instance reaches a member connected to the other (sharded pub/sub adapter)', async () => {
    const [alice, bob, carol, dave] = await Promise.all([signUp('Alice', C), signUp('Bob', D), signUp('Carol', C), signUp('Dave', D)])
    // Several recipients: the notifier reads their client states (one hash each, on different nodes) at once.
    const { conversation } = await setupConversation(alice, [bob, carol, dave], 'cluster', C)
    const [a, b] = await Promise.all([connect(alice, { base: C }), connect(bob, { base: D })])
    for (let i = 0; i < 5; i++) {
      const content = `over the cluster ${i}`
      const got = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === content)
      const sent = await sendOk(a, conversation.id, content)
      expect((await got).message.id).toBe(sent.id)
    }
    // And back, from D to C.
    const back = nextEvent<{ message: Message }>(a, 'message:new', p => p.message.content === 'and back')
    const reply = await sendOk(b, conversation.id, 'and back')
    expect((await back).message.id).toBe(reply.id)
    const loaded = await api<{ message: Message }>(C, 'GET', `/api/conversations/${conversation.id}/messages?limit=1`, { token: alice.token })
    expect(loaded.status).toBe(200)
  })

  it('presence of a user connected to one instance is seen from the other', async () => {
    const alice = await signUp('Alice', C)
    const bob = await signUp('Bob', D)
    await setupConversation(alice, [bob], 'presence', C)
    expect((await presenceOn(C, alice, [bob.user.id]))[0]?.status).toBe('offline')
    const watcher = await connect(alice, { base: C })
    const online = nextEvent<{ userId: string, status: string }>(watcher, 'presence:change', p => p.userId === bob.user.id && p.status === 'online')
    const b = await connect(bob, { base: D })
    await online
    expect((await presenceOn(C, alice, [bob.user.id]))[0]?.status).toBe('online')
    // Bob's heartbeat, hash-tagged so each presence script's keys share one slot.
    expect(scanCluster(`presence:{heartbeats}:live:${bob.user.id}`)).toHaveLength(1)
    b.disconnect()
    await until(async () => (await presenceOn(C, alice, [bob.user.id]))[0]?.status === 'offline', 5000, 'bob offline as seen from C')
  })

  it('the message rate limit is one budget across both instances', async () => {
    const alice = await signUp('Alice', C)
    const bob = await signUp('Bob', C)
    const { conversation } = await setupConversation(alice, [bob], 'limits', C)
    const [onC, onD] = await Promise.all([connect(alice, { base: C }), connect(alice, { base: D })])
    // Half the budget on each: each instance alone would still allow as many again.
    for (let i = 0; i < CHAT_RATE_LIMIT; i++) await sendOk(i % 2 ? onD : onC, conversation.id, `budget ${i}`)
    for (const socket of [onC, onD]) {
      const refused = await send(socket, conversation.id, 'one too many')
      expect(refused.ok).toBe(false)
      if (!refused.ok) expect(refused.error.code).toBe('RATE_LIMITED')
    }
  })

  it('a scheduled message is sent by the BullMQ queue on the cluster', async () => {
    const alice = await signUp('Alice', C)
    const bob = await signUp('Bob', D)
    const { conversation } = await setupConversation(alice, [bob], 'scheduled', C)
    const b = await connect(bob, { base: D })
    const content = `scheduled ${randomUUID()}`
    const arrived = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === content, 15_000)
    const created = await api<{ scheduled: { id: string } }>(C, 'POST', `/api/conversations/${conversation.id}/scheduled`, {
      token: alice.token, body: { clientId: randomUUID(), content, sendAt: new Date(Date.now() + 1500).toISOString() }
    })
    expect(created.status).toBe(200)
    expect((await arrived).message.senderId).toBe(alice.user.id)
    // The job went through the queue's own slot: its keys carry the queue's hash tag.
    expect(scanCluster('{chat-jobs:scheduled-sends}:*').length).toBeGreaterThan(0)
  })

  it('keys are spread over more than one node', async () => {
    await sleep(200)
    const perNode = keysPerNode()
    console.log(`[services] redis cluster keys per node: ${perNode.join(', ')}`)
    expect(perNode.filter(n => n > 0).length).toBeGreaterThanOrEqual(2)
    // The per-user limits and client states are single-key: they land wherever their key hashes.
    expect(scanCluster('rl:msg*').length).toBeGreaterThan(0)
  })

  it('no command was refused for spanning hash slots or nodes, and no job failed', () => {
    for (const s of servers) {
      expect(s.output()).not.toMatch(/CROSSSLOT|belong to the same slot|MOVED \d+/)
      expect(s.output()).not.toMatch(/"msg":"(job failed|job worker error|could not refresh client states|could not send notifications|socket connection setup failed)"/)
    }
  })
})
