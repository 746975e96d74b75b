// Chatting members: each VU is one member with a live socket who sends message:send every few
// seconds to one of its pair (2), team (10) or department (50) conversations; everyone in those
// rooms receives it. A few sends are retried with the same clientId (must come back as the
// original), edited once, or deleted — the changes move the conversation counter like real use.
import { identity } from '../lib/fixture.js'
import { guarded, openSession, sleepMs } from '../lib/session.js'

const RETRY_RATIO = Number(__ENV.RETRY_RATIO || 0.03)
const EDIT_RATIO = Number(__ENV.EDIT_RATIO || 0.05)
const DELETE_RATIO = Number(__ENV.DELETE_RATIO || 0.02)

/** @param {import('../lib/types.js').UserConversations} convs */
function pickConversation(convs) {
  const r = Math.random()
  if (r < 0.4) return convs.pair
  if (r < 0.8) return convs.team
  return convs.dept
}

/** @param {import('../lib/types.js').Profile} profile @param {import('../lib/types.js').Durations} durations */
export function makeChatMembers(profile, durations) {
  return guarded('chatMembers', async (data) => {
    const opened = await openSession(profile.chat.sessionS, durations, identity(data))
    if (!opened) return
    const { session, lengthMs } = opened
    const convs = session.id.user.conversations
    const everyMs = profile.chat.sendEveryS * 1000
    const end = Date.now() + lengthMs
    /** @type {Promise<void>[]} */
    const pending = []
    // First send at a random offset so VUs do not send in lockstep.
    let next = Date.now() + Math.random() * everyMs
    while (true) {
      await sleepMs(next - Date.now())
      if (Date.now() >= end) break
      next += everyMs * (0.5 + Math.random())
      const conversationId = pickConversation(convs)
      if (session.sock && session.sock.connected()) session.sock.emit('typing:start', { conversationId })
      pending.push(session.send(conversationId).then(async (sent) => {
        if (!sent) return
        const r = Math.random()
        if (r < RETRY_RATIO) await session.retrySend(sent)
        else if (r < RETRY_RATIO + EDIT_RATIO) await session.edit(sent.message)
        else if (r < RETRY_RATIO + EDIT_RATIO + DELETE_RATIO) await session.remove(sent.message)
      }))
      if (pending.length > 50) pending.splice(0, 25)
    }
    await Promise.all(pending)
    await session.close()
  })
}
