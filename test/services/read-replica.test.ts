import { spawnSync } from 'node:child_process'
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types'
import type { SearchResponse } from '#shared/search-schemas'
import type { ClientEventAck } from '#shared/events'
import { SUITE_AUTH_LIMITS, startInstance, type Instance } from '../support/instance.mjs'
import { ack, api, closeAllSockets, connect, must, sendOk, setupConversation, signUp, sleep, until, type Session } from '../support/helpers'

// A primary and a streaming replica of its own (ports of this file only), and an instance that
// writes to the first and reads history and search from the second.

const PG_BIN = '/usr/lib/postgresql/15/bin'
const PRIMARY_PORT = 17101
const REPLICA_PORT = 17102
const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`

/** Postgres refuses to run as root: as root, its tools run as the `postgres` user. */
function pg(tool: string, ...args: string[]): string {
  const command = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', join(PG_BIN, tool), ...args] : [join(PG_BIN, tool), ...args]
  // cwd: a folder the postgres user may enter (the checkout may not be one).
  const result = spawnSync(command[0]!, command.slice(1), { cwd: tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

function ownedDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
    chownSync(dir, id('-u'), id('-g'))
  }
  return dir
}

const root = ownedDir('chat-replica-')
const primaryDir = join(root, 'primary')
const replicaDir = join(root, 'replica')
const startCluster = (dir: string) => pg('pg_ctl', '-D', dir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start')
const stopCluster = (dir: string) => {
  try {
    pg('pg_ctl', '-D', dir, '-m', 'immediate', '-w', 'stop')
  } catch { /* not running */ }
}

let primary: postgres.Sql
let replica: postgres.Sql
let server: Instance
/** A second instance on the same databases and Redis: Ben's HTTP reads may land on it. */
let other: Instance

beforeAll(async () => {
  pg('initdb', '-D', primaryDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8')
  appendFileSync(join(primaryDir, 'postgresql.conf'), `
listen_addresses = '127.0.0.1'
port = ${PRIMARY_PORT}
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 4
fsync = off
`)
  startCluster(primaryDir)
  pg('pg_basebackup', '-h', '127.0.0.1', '-p', String(PRIMARY_PORT), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream')
  appendFileSync(join(replicaDir, 'postgresql.conf'), `\nport = ${REPLICA_PORT}\nhot_standby = on\n`)
  startCluster(replicaDir)
  primary = postgres(url(PRIMARY_PORT), { max: 1, onnotice: () => {} })
  replica = postgres(url(REPLICA_PORT), { max: 1, onnotice: () => {} })
  const env = { DATABASE_URL: url(PRIMARY_PORT), DATABASE_READ_URL: url(REPLICA_PORT), REDIS_URL: inject('services').redisUrl, SEED_DEMO: 'false', ...SUITE_AUTH_LIMITS }
  ;[server, other] = await Promise.all([startInstance({ name: 'replica-reads', env }), startInstance({ name: 'replica-reads-2', env })])
}, 180_000)

afterAll(async () => {
  closeAllSockets()
  await Promise.all([server?.stop(), other?.stop()])
  if (server) {
    const logDir = join(import.meta.dirname, '..', '..', 'test-output', 'services')
    mkdirSync(logDir, { recursive: true })
    writeFileSync(join(logDir, 'server-replica-reads.log'), server.output())
  }
  await Promise.allSettled([primary?.end({ timeout: 1 }), replica?.end({ timeout: 1 })])
  stopCluster(replicaDir)
  stopCluster(primaryDir)
  rmSync(root, { recursive: true, force: true })
})

/** Waits until the replica has replayed everything the primary has written so far. */
async function replicaCaughtUp() {
  const [{ lsn }] = await primary<[{ lsn: string }]>`select pg_current_wal_lsn()::text as lsn`
  await until(async () => (await replica<{ done: boolean }[]>`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`)[0]!.done, 10_000, 'replica to catch up')
}

async function pauseReplay() {
  await replica`select pg_wal_replay_pause()`
  await until(async () => (await replica<{ state: string }[]>`select pg_get_wal_replay_pause_state() as state`)[0]!.state === 'paused', 10_000, 'replay to pause')
}

const historyOf = async (who: Session, conversationId: string, base = server.url) =>
  must(await api<{ messages: Message[] }>(base, 'GET', `/api/conversations/${conversationId}/messages?limit=50`, { token: who.token }), 'history').messages
const contents = (messages: Message[]) => messages.filter(m => m.type === 'text').map(m => m.content)
const searchFor = async (who: Session, q: string, conversationId: string) =>
  must(await api<SearchResponse>(server.url, 'GET', `/api/search?q=${encodeURIComponent(q)}&conversationId=${conversationId}`, { token: who.token }), 'search').results.map(r => r.message.content)

/** This instance's count of routed reads that ran where `target` says (chat_routed_reads_total). */
async function routed(target: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  return Number(new RegExp(`^chat_routed_reads_total\\{target="${target}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0)
}

type HealthCheck = { status: string, kind?: string, behindBytes?: number }
const health = () => api<{ status: string, db: HealthCheck, replica: HealthCheck }>(server.url, 'GET', '/api/health')

describe('reads from a streaming replica', () => {
  it('others read the replica; the writer reads their own writes at once; a stopped replica leaves reads to the primary', { timeout: 120_000 }, async () => {
    const ann = await signUp('Ann Reader', server.url)
    const ben = await signUp('Ben Writer', server.url)
    const { conversation } = await setupConversation(ann, [ben], 'replica', server.url)
    const benSocket = await connect(ben, { base: server.url })
    const first = await sendOk(benSocket, conversation.id, 'first words before the pause')
    await replicaCaughtUp()
    expect(contents(await historyOf(ann, conversation.id))).toEqual(['first words before the pause'])

    // Replay stopped: the primary moves on, the replica stays where it is.
    await pauseReplay()
    await sendOk(benSocket, conversation.id, 'a zebrafish swims past')
    const edited = must(await api<{ message: Message }>(server.url, 'PATCH', `/api/messages/${first.id}`, { token: ben.token, body: { content: 'first words, edited while paused' } }), 'edit').message
    const [{ count }] = await primary<[{ count: number }]>`select count(*)::int as count from messages where conversation_id = ${conversation.id} and content like '%zebrafish%'`
    expect(count).toBe(1)

    // (1) Ann has written nothing: her history and search come from the replica, which has neither change.
    expect(contents(await historyOf(ann, conversation.id))).toEqual(['first words before the pause'])
    expect(await searchFor(ann, 'zebrafish', conversation.id)).toEqual([])
    expect(await routed('replica')).toBeGreaterThanOrEqual(3)
    expect(await routed('primary-own-write')).toBe(0)
    // Health shows the replica answering and how far behind it is, and stays healthy.
    const behind = await health()
    expect(behind.status).toBe(200)
    expect(behind.body.replica).toMatchObject({ status: 'ok', kind: 'replica' })
    expect(behind.body.replica.behindBytes).toBeGreaterThan(0)

    // (2) Ben sees what he just sent and edited, in history and in search, with the replica still paused.
    expect(contents(await historyOf(ben, conversation.id))).toEqual(['first words, edited while paused', 'a zebrafish swims past'])
    expect(await searchFor(ben, 'zebrafish', conversation.id)).toEqual(['a zebrafish swims past'])
    expect(await searchFor(ben, 'edited', conversation.id)).toEqual(['first words, edited while paused'])
    expect(await routed('primary-own-write')).toBe(3)
    // Over HTTP on another instance too: the marker reaches it through Redis (a moment after the ack,
    // hence the wait; the replica is paused, so nothing but the marker can show it), and not Ann's reads.
    await until(async () => contents(await historyOf(ben, conversation.id, other.url)).includes('a zebrafish swims past'), 2000, 'Ben to see his write on the other instance')
    expect(contents(await historyOf(ben, conversation.id, other.url))).toEqual(['first words, edited while paused', 'a zebrafish swims past'])
    expect(contents(await historyOf(ann, conversation.id, other.url))).toEqual(['first words before the pause'])

    // Sync promises everything up to the counter it answers with, so it never takes a lagging replica's word.
    const annSocket = await connect(ann, { base: server.url })
    const synced = await ack<ClientEventAck<'sync:request'>>(annSocket, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: first.seq }] })
    if (!synced.ok) throw new Error(JSON.stringify(synced.error))
    expect(synced.results[0]!.messages.map(m => m.content)).toEqual(['a zebrafish swims past', 'first words, edited while paused'])
    expect(synced.results[0]!.lastSeq).toBe(edited.updatedSeq)
    expect(await routed('primary-replica-behind')).toBe(1)

    // (4) Replay resumes: Ann sees both changes.
    await replica`select pg_wal_replay_resume()`
    await until(async () => contents(await historyOf(ann, conversation.id)).includes('a zebrafish swims past'), 10_000, 'Ann to see the new message')
    expect(contents(await historyOf(ann, conversation.id))).toEqual(['first words, edited while paused', 'a zebrafish swims past'])
    expect(await searchFor(ann, 'zebrafish', conversation.id)).toEqual(['a zebrafish swims past'])

    // (3) The replica stops: every read still answers, from the primary, new messages included.
    stopCluster(replicaDir)
    await sendOk(benSocket, conversation.id, 'a walrus arrives while the replica is down')
    expect(contents(await historyOf(ann, conversation.id))).toEqual(['first words, edited while paused', 'a zebrafish swims past', 'a walrus arrives while the replica is down'])
    expect(await searchFor(ann, 'walrus', conversation.id)).toEqual(['a walrus arrives while the replica is down'])
    const thread = await api<{ root: Message }>(server.url, 'GET', `/api/messages/${first.id}/thread`, { token: ann.token })
    expect(thread.status).toBe(200)
    expect(thread.body.root.content).toBe('first words, edited while paused')
    expect(await routed('primary-replica-down')).toBeGreaterThanOrEqual(3)
    // A stopped replica shows in health, but does not take the instance out of a load balancer: reads go to the primary.
    const down = await health()
    expect(down.status).toBe(200)
    expect(down.body).toMatchObject({ status: 'ok', db: { status: 'ok' }, replica: { status: 'error', kind: 'replica' } })

    // Back again: once the probe finds it, others' reads return to the replica (paused again to tell).
    startCluster(replicaDir)
    await replica.end({ timeout: 1 })
    replica = postgres(url(REPLICA_PORT), { max: 1, onnotice: () => {} })
    await replicaCaughtUp()
    await pauseReplay()
    await sendOk(benSocket, conversation.id, 'kiwi after the replica came back')
    await until(async () => !contents(await historyOf(ann, conversation.id)).includes('kiwi after the replica came back'), 10_000, 'Ann to read the replica again')
    expect(contents(await historyOf(ben, conversation.id))).toContain('kiwi after the replica came back')
    await replica`select pg_wal_replay_resume()`
    await sleep(10)
  })
})
