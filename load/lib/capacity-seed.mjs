// The capacity run's fixture, written straight into Postgres as the benchmarks do (seconds, not
// minutes of sign-ups): `count` members of one project, each in a team, a department and a
// project-wide room (load/lib/mix.mjs roomsOf), every room with some history to read, scroll and
// search, and one access token per member signed with the server's LOCAL_JWT_SECRET.
import { randomUUID } from 'node:crypto'
import { insertSessions, signToken, sql } from '../../bench/lib/common.mjs'
import { ROOM_SIZES, roomsOf } from './mix.mjs'

const WORDS = ('deploy release invoice roadmap budget meeting standup design review bugfix hotfix sprint backlog '
  + 'customer onboarding migration database latency dashboard incident postmortem alpha bravo charlie delta echo').split(' ')

/** Words the searches look for: all of them occur in the seeded history. */
export const SEARCH_QUERIES = ['deploy', 'release invoice', '"design review"', 'hotfix', 'roadmap budget', 'incident', 'migration', 'onboard']

/**
 * @param {{ count: number, history?: number }} options   history: messages per room
 * @returns {Promise<{ projectId: string, users: import('./mix-worker.mjs').MixUser[] }>}
 */
export async function seedCapacity({ count, history = 100 }) {
  const db = sql()
  const tag = randomUUID().slice(0, 8)
  const projectId = randomUUID()
  const people = Array.from({ length: count }, (_, n) => ({ n, id: randomUUID(), email: `cap-${tag}-${n}@bench.local`, displayName: `Member ${n}` }))
  /** @type {Map<string, { id: string, kind: string, members: typeof people }>} */
  const rooms = new Map()
  for (const p of people) {
    for (const [kind, index] of Object.entries(roomsOf(p.n))) {
      const key = `${kind}:${index}`
      const room = rooms.get(key) ?? { id: randomUUID(), kind, members: [] }
      room.members.push(p)
      rooms.set(key, room)
    }
  }
  /** @param {string} table @param {Record<string, unknown>[]} rows @param {any} tx */
  const insert = async (table, rows, tx) => {
    for (let i = 0; i < rows.length; i += 2000) await tx`insert into ${tx(table)} ${tx(rows.slice(i, i + 2000))}`
  }
  await db.begin(async (tx) => {
    await insert('profiles', people.map(p => ({ id: p.id, email: p.email, display_name: p.displayName })), tx)
    await insertSessions(tx, people)
    await tx`insert into projects (id, name) values (${projectId}, ${'capacity-' + tag})`
    await insert('project_members', people.map(p => ({ project_id: projectId, user_id: p.id })), tx)
    await insert('conversations', [...rooms].map(([key, r]) => ({ id: r.id, project_id: projectId, type: 'group', title: key })), tx)
    await insert('conversation_participants', [...rooms.values()].flatMap(r => r.members.map((p, j) => ({ conversation_id: r.id, user_id: p.id, role: j === 0 ? 'owner' : 'member' }))), tx)
    if (history > 0) {
      const words = `array[${WORDS.map(w => `'${w}'`).join(',')}]`
      for (const r of rooms.values()) {
        const senders = r.members.slice(0, 20).map(p => p.id)
        // Sentences of 4–12 words picked by position, senders taking turns, a minute apart.
        await tx.unsafe(`insert into messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html, created_at)
          select $1::uuid, g, g, gen_random_uuid(), ($2::uuid[])[1 + g % ${senders.length}], t.text, '<p>' || t.text || '</p>', now() - make_interval(mins => ${history} - g)
          from generate_series(1, ${history}) g
          cross join lateral (select string_agg((${words})[1 + ((g * 7 + k * 13 + length($1::text)) % ${WORDS.length})], ' ') as text
                              from generate_series(1, 4 + g % 9) k) t`, [r.id, senders])
        await tx`update conversations set last_seq = ${history}, last_message_at = now() where id = ${r.id}`
      }
    }
  })
  await db.end({ timeout: 5 })
  const exp = Math.floor(Date.now() / 1000) + 6 * 3600
  /** @type {Map<string, string>} */
  const idOf = new Map([...rooms].map(([key, r]) => [key, r.id]))
  const users = []
  for (const p of people) {
    const conversations = Object.fromEntries(Object.entries(roomsOf(p.n)).map(([kind, index]) => [kind, /** @type {string} */ (idOf.get(`${kind}:${index}`))]))
    users.push({ n: p.n, id: p.id, email: p.email, token: await signToken(p), tokenExp: exp, conversations })
  }
  return { projectId, users }
}

export { ROOM_SIZES }
