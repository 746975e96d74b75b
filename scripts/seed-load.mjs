#!/usr/bin/env node
// Seeds load-test users and conversations through the REST API only, and writes the fixture the
// k6 suite and the Node driver (load/) read (k6/data/load-fixture.json). Safe to run again:
// existing users keep their still valid tokens from the previous fixture or sign in, the "Load"
// project, its members and conversations are found and reused, history is topped up.
// Needs no demo data: the first load user creates the project and invites the others, who accept
// (raise the server's INVITATIONS_PER_HOUR to at least LOAD_USERS for a first seed).
//
//   BASE_URL=http://127.0.0.1:3000 npm run seed:load
//
// Environment:
//   BASE_URL           server to seed (default http://127.0.0.1:3000; with several instances any one)
//   LOAD_USERS         number of users load0..loadN-1@example.com (default 500; rounded up to 50)
//   LOAD_PASSWORD      their password (default password123)
//   LOAD_PROJECT       project name (default Load)
//   SEED_CONCURRENCY   parallel requests (default 8)
//   SEED_HISTORY_HOT   messages to have in the 500-member room for history scrolling (default 200)
//   SEED_HISTORY_DEPT  messages to have in each 50-member room (default 50)
//   FIXTURE            output path (default k6/data/load-fixture.json)
//
// Conversations (each created by its first member, so sizes are exact):
//   load-pair-NNNN  2 members   users 2k, 2k+1
//   load-team-NNN   10 members  users 10k … 10k+9
//   load-dept-NN    50 members  users 50k … 50k+49
//   load-hot        500 members users 0 … 499 (all users when LOAD_USERS < 500)
// Every user is in exactly one pair, one team, one dept and the hot room.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * @typedef {object} SeedOptions
 * @property {string} [baseUrl]
 * @property {number} [users]          rounded up to a multiple of 50
 * @property {string} [password]
 * @property {string} [project]
 * @property {number} [concurrency]
 * @property {number} [historyHot]
 * @property {number} [historyDept]
 * @property {string} [fixture]        output path, relative to the repository root
 * @property {(msg: string) => void} [log]
 */

/** Options from the environment (see the header). @returns {SeedOptions} */
export function seedOptionsFromEnv(env = process.env) {
  return {
    baseUrl: env.BASE_URL,
    users: env.LOAD_USERS ? Number(env.LOAD_USERS) : undefined,
    password: env.LOAD_PASSWORD,
    project: env.LOAD_PROJECT,
    concurrency: env.SEED_CONCURRENCY ? Number(env.SEED_CONCURRENCY) : undefined,
    historyHot: env.SEED_HISTORY_HOT !== undefined ? Number(env.SEED_HISTORY_HOT) : undefined,
    historyDept: env.SEED_HISTORY_DEPT !== undefined ? Number(env.SEED_HISTORY_DEPT) : undefined,
    fixture: env.FIXTURE
  }
}

class HttpError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} → ${status} ${typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300)}`)
    this.status = status
    this.body = body
  }
}

/** Runs fn over items with at most `limit` in flight; keeps order of results. */
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length)
  let next = 0
  const started = Date.now()
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return Object.assign(results, { ms: Date.now() - started })
}

function jwtExp(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp
  } catch {
    return 0
  }
}

const pad = (n, w) => String(n).padStart(w, '0')

/**
 * Seeds users, the project and its conversations through the REST API and writes the fixture.
 * @param {SeedOptions} [options]
 */
export async function seedLoad(options = {}) {
  const BASE_URL = (options.baseUrl || 'http://127.0.0.1:3000').replace(/\/+$/, '')
  const USERS = Math.max(50, Math.ceil((options.users ?? 500) / 50) * 50)
  const PASSWORD = options.password || 'password123'
  const PROJECT = options.project || 'Load'
  const CONCURRENCY = options.concurrency ?? 8
  const HISTORY_HOT = options.historyHot ?? 200
  const HISTORY_DEPT = options.historyDept ?? 50
  const FIXTURE = resolve(root, options.fixture || 'k6/data/load-fixture.json')
  const HOT_SIZE = Math.min(500, USERS)
  const log = options.log ?? (msg => console.log(`[seed:load] ${msg}`))

  async function api(method, path, { token, body, retries = 3 } = {}) {
    for (let attempt = 0; ; attempt++) {
      let res
      try {
        res = await fetch(`${BASE_URL}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body)
        })
      } catch (error) {
        if (attempt < retries) {
          await new Promise(r => setTimeout(r, 500 * 2 ** attempt))
          continue
        }
        throw new Error(`${method} ${path}: ${error.cause?.message || error.message} — is the server running at ${BASE_URL}?`, { cause: error })
      }
      const text = await res.text()
      let data
      try {
        data = text ? JSON.parse(text) : undefined
      } catch {
        data = text
      }
      if (res.ok) return data
      const retryAfter = data?.error?.details?.retryAfterMs
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await new Promise(r => setTimeout(r, retryAfter ?? 500 * 2 ** attempt))
        continue
      }
      throw new HttpError(method, path, res.status, data)
    }
  }

  /**
   * A session for load user i: the previous fixture's token when the server still accepts it, else
   * sign in (one scrypt check on the server), else sign up for a user that does not exist yet.
   */
  async function signUpOrIn(i, previous) {
    const email = `load${i}@example.com`
    const displayName = `Load User ${i}`
    const old = previous?.get(email)
    if (old?.token && old.tokenExp * 1000 > Date.now() + 3600_000) {
      try {
        const { user } = await api('GET', '/api/me', { token: old.token, retries: 0 })
        if (user.id === old.id) return { index: i, id: user.id, email, displayName: user.displayName, token: old.token, tokenExp: old.tokenExp }
      } catch { /* stale: sign in below */ }
    }
    let session
    try {
      session = await api('POST', '/api/auth/local/login', { body: { email, password: PASSWORD } })
    } catch (error) {
      if (error.status !== 401) throw error
      session = await api('POST', '/api/auth/local/signup', { body: { email, password: PASSWORD, displayName } })
    }
    return { index: i, id: session.user.id, email, displayName: session.user.displayName, token: session.accessToken, tokenExp: jwtExp(session.accessToken) }
  }

  /** Users of an earlier fixture written for the same server, by email. */
  async function previousUsers() {
    try {
      const old = JSON.parse(await readFile(FIXTURE, 'utf8'))
      if (old.baseUrl !== BASE_URL) return undefined
      return new Map(old.users.map(u => [u.email, u]))
    } catch {
      return undefined
    }
  }

  const t0 = Date.now()
  log(`seeding ${BASE_URL}: ${USERS} users, project "${PROJECT}"`)
  await api('GET', '/api/health')

  const previous = await previousUsers()
  const users = await mapLimit(Array.from({ length: USERS }, (_, i) => i), CONCURRENCY, i => signUpOrIn(i, previous))
  log(`users ready in ${users.ms} ms`)

  // The first load user owns the project and adds the others (no demo admin needed).
  const ownerToken = users[0].token
  const { projects } = await api('GET', '/api/projects', { token: ownerToken })
  let project = projects.find(p => p.name === PROJECT && (p.myRole === 'owner' || p.myRole === 'admin'))
  if (!project) project = (await api('POST', '/api/projects', { token: ownerToken, body: { name: PROJECT } })).project
  const projectId = project.id
  log(`project ${PROJECT} ${projectId}`)

  const { members: current = [] } = await api('GET', `/api/projects/${projectId}/members`, { token: ownerToken }).catch(() => ({}))
  const already = new Set(current.map(m => m.userId ?? m.id))
  // Load users share no project with the owner yet, so each is invited and accepts with their own
  // session (the server needs INVITATIONS_PER_HOUR at least LOAD_USERS; load/lib/instances.mjs sets it).
  const added = await mapLimit(users.filter(u => !already.has(u.id)), CONCURRENCY, async (u) => {
    const { member } = await api('POST', `/api/projects/${projectId}/members`, { token: ownerToken, body: { email: u.email, role: 'member' } })
    if (member?.status === 'invited') await api('POST', `/api/invitations/${member.invitation.id}/accept`, { token: u.token })
    return member
  })
  log(`${added.length} members added in ${added.ms} ms`)

  // The conversation plan: [kind, index, title, member indices].
  const plan = []
  for (let k = 0; k < USERS / 2; k++) plan.push(['pair', k, `load-pair-${pad(k, 4)}`, [2 * k, 2 * k + 1]])
  for (let k = 0; k < USERS / 10; k++) plan.push(['team', k, `load-team-${pad(k, 3)}`, Array.from({ length: 10 }, (_, j) => 10 * k + j)])
  for (let k = 0; k < USERS / 50; k++) plan.push(['dept', k, `load-dept-${pad(k, 2)}`, Array.from({ length: 50 }, (_, j) => 50 * k + j)])
  plan.push(['hot', 0, 'load-hot', Array.from({ length: HOT_SIZE }, (_, j) => j)])

  // Reuse conversations from an earlier run: each was created by its first member, who sees it.
  const listed = new Map()
  const listFor = async (creator) => {
    if (!listed.has(creator)) {
      listed.set(creator, api('GET', `/api/projects/${projectId}/conversations`, { token: users[creator].token })
        .then(r => new Map(r.conversations.map(c => [c.title, c]))))
    }
    return listed.get(creator)
  }
  // Biggest rooms first: creating the 500-member room announces it to every member and takes longest.
  const ordered = [...plan].sort((a, b) => b[3].length - a[3].length)
  let created = 0
  const conversations = await mapLimit(ordered, CONCURRENCY, async ([kind, k, title, members]) => {
    const creator = members[0]
    const existing = (await listFor(creator)).get(title)
    let conversation = existing
    if (!conversation) {
      conversation = (await api('POST', `/api/projects/${projectId}/conversations`, {
        token: users[creator].token,
        body: { title, type: 'group', participantIds: members.slice(1).map(i => users[i].id) },
        retries: 0 // not idempotent: a retry after a slow success would create a second room
      })).conversation
      created++
    }
    return { id: conversation.id, kind, index: k, title, size: members.length, members, lastSeq: conversation.lastSeq ?? 0 }
  })
  log(`${conversations.length} conversations (${created} new) in ${conversations.ms} ms`)

  const byTitle = new Map(conversations.map(c => [c.title, c]))
  const hot = byTitle.get('load-hot')
  for (const u of users) {
    const i = u.index
    u.conversations = {
      pair: byTitle.get(`load-pair-${pad(Math.floor(i / 2), 4)}`).id,
      team: byTitle.get(`load-team-${pad(Math.floor(i / 10), 3)}`).id,
      dept: byTitle.get(`load-dept-${pad(Math.floor(i / 50), 2)}`).id,
      hot: i < HOT_SIZE ? hot.id : byTitle.get(`load-dept-${pad(Math.floor(i / 50), 2)}`).id
    }
  }

  // History for the scrolling scenario: top up the hot room and every dept (one message per member in turn).
  const posts = []
  for (const c of conversations) {
    const target = c.kind === 'hot' ? HISTORY_HOT : c.kind === 'dept' ? HISTORY_DEPT : 0
    for (let n = c.lastSeq; n < target; n++) posts.push([c, n])
  }
  if (posts.length) {
    const words = 'deploy release invoice roadmap budget meeting standup design review bugfix hotfix sprint'.split(' ')
    const wrote = await mapLimit(posts, CONCURRENCY, ([c, n]) => {
      const author = users[c.members[n % c.members.length]]
      const content = `[seed ${c.title} #${n + 1}] ${Array.from({ length: 6 }, (_, j) => words[(n * 7 + j * 3) % words.length]).join(' ')}`
      return api('POST', `/api/conversations/${c.id}/messages`, { token: author.token, body: { clientId: randomUUID(), content } })
    })
    log(`${posts.length} history messages in ${wrote.ms} ms`)
  }

  const fixture = {
    seededAt: new Date().toISOString(),
    baseUrl: BASE_URL,
    projectId,
    projectName: PROJECT,
    password: PASSWORD,
    hotConversationId: hot.id,
    // Tokens let k6 skip a sign-in per VU while they are valid; k6 signs in again when they are not.
    users: users.map(({ index, id, email, displayName, token, tokenExp, conversations: c }) => ({ index, id, email, displayName, token, tokenExp, conversations: c })),
    conversations: conversations.map(({ id, kind, index, title, size, members }) => ({ id, kind, index, title, size, members }))
      .sort((a, b) => a.title.localeCompare(b.title))
  }
  await mkdir(dirname(FIXTURE), { recursive: true })
  await writeFile(FIXTURE, JSON.stringify(fixture, null, 1))
  log(`wrote ${FIXTURE} in ${Date.now() - t0} ms total`)
  return { path: FIXTURE, fixture }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  seedLoad(seedOptionsFromEnv()).catch((error) => {
    console.error(`[seed:load] failed: ${error.message}`)
    process.exit(1)
  })
}
