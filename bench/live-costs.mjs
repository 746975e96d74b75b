// What each rich-messaging action costs live: the events it fans out, their size, and the time from
// the action to another member's socket receiving it. One built instance on embedded defaults.
//   node bench/live-costs.mjs [--rounds 40]
import { randomUUID } from 'node:crypto'
import { io } from 'socket.io-client'
import { ensureBuilt, startInstance, SUITE_AUTH_LIMITS } from '../test/support/instance.mjs'
import { request, signUpAccount } from '../test/support/client.mjs'

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 40)
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

ensureBuilt({ log: m => console.error(m) })
const server = await startInstance({ name: 'live-costs', env: { ...SUITE_AUTH_LIMITS, CHAT_RATE_LIMIT_PER_MINUTE: '100000' } })
try {
  const base = server.url
  const stamp = Date.now()
  const alice = await signUpAccount(base, { email: `alice-${stamp}@bench.local`, displayName: 'Alice' })
  const bob = await signUpAccount(base, { email: `bob-${stamp}@bench.local`, displayName: 'Bob' })
  const call = async (who, method, path, body) => {
    const res = await request(base, method, path, { token: who.token, body })
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const { project } = await call(alice, 'POST', '/api/projects', { name: 'bench' })
  await call(alice, 'POST', `/api/projects/${project.id}/members`, { email: bob.user.email, role: 'member' })
  const { conversation } = await call(alice, 'POST', `/api/projects/${project.id}/conversations`, { title: 'bench', type: 'group', participantIds: [bob.user.id] })
  const connect = who => new Promise((resolve, reject) => {
    const s = io(base, { transports: ['websocket'], auth: { token: who.token } })
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
  const [a, b, bobPhone] = await Promise.all([connect(alice), connect(bob), connect(bob)])

  /** Counts what Bob's socket receives while `act` runs, until `done` matches; returns ms and bytes. */
  async function measure(act, done, socket = b) {
    const received = []
    const onAny = (event, payload) => received.push({ event, bytes: Buffer.byteLength(JSON.stringify(payload)) })
    socket.onAny(onAny)
    const started = performance.now()
    const arrived = new Promise((resolve) => {
      const check = (event, payload) => {
        if (!done(event, payload)) return
        socket.offAny(check)
        resolve(performance.now() - started)
      }
      socket.onAny(check)
    })
    await act()
    const ms = await arrived
    await new Promise(r => setTimeout(r, 30))
    socket.offAny(onAny)
    return { ms, events: received.length, bytes: received.reduce((n, r) => n + r.bytes, 0) }
  }
  const ack = (socket, event, payload) => socket.timeout(10_000).emitWithAck(event, payload)
  const send = (content, extra = {}) => ack(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content, ...extra })

  const root = (await send('a root for the thread')).message
  const actions = {
    'send (plain text)': async i => measure(() => send(`hello ${i}`), e => e === 'message:new'),
    'send with @mention': async i => measure(() => send(`@Bob look ${i}`), e => e === 'notification'),
    'reaction add': async () => {
      const m = (await send('react to me')).message
      return measure(() => ack(a, 'reaction:add', { messageId: m.id, emoji: '🎉' }), (e, p) => e === 'message:updated' && p.message.id === m.id)
    },
    'thread reply (reply + root update)': async i => measure(() => send(`reply ${i}`, { threadRootId: root.id }), (e, p) => e === 'message:updated' && p.message.id === root.id),
    'pin (update + system line)': async () => {
      const m = (await send('pin me')).message
      return measure(() => call(alice, 'POST', `/api/messages/${m.id}/pin`), (e, p) => e === 'message:new' && p.message.type === 'system')
    },
    'edit': async () => {
      const m = (await send('typo')).message
      return measure(() => ack(a, 'message:edit', { messageId: m.id, content: 'fixed' }), (e, p) => e === 'message:updated' && p.message.id === m.id)
    },
    'draft save (to own other device)': async i => measure(() => call(bob, 'PUT', `/api/conversations/${conversation.id}/draft`, { content: `draft ${i}` }), e => e === 'draft:updated', bobPhone)
  }
  console.log(`| action | events to the other member | bytes (median) | action → delivered, ms (median of ${rounds}) |`)
  console.log('| --- | --- | --- | --- |')
  for (const [name, run] of Object.entries(actions)) {
    const samples = []
    for (let i = 0; i < rounds; i++) samples.push(await run(i))
    console.log(`| ${name} | ${median(samples.map(s => s.events))} | ${median(samples.map(s => s.bytes))} | ${median(samples.map(s => s.ms)).toFixed(1)} |`)
  }
  for (const s of [a, b, bobPhone]) s.close()
} finally {
  await server.stop()
}
