// Hot conversation: one 500-member room. Listener VUs only hold a socket and account for every
// message; sender VUs send to the room at a fixed rate each (open model: sends do not wait for acks).
import { hotUserForVu, identity, meta } from '../lib/fixture.js'
import { guarded, openSession, sleepMs } from '../lib/session.js'

/** @param {import('../lib/types.js').Profile} profile @param {import('../lib/types.js').Durations} durations */
export function makeHotListener(profile, durations) {
  return guarded('hotListener', async (data) => {
    const opened = await openSession(profile.durationS, durations, identity(data, hotUserForVu()))
    if (!opened) return
    const { session, lengthMs } = opened
    await sleepMs(lengthMs)
    await session.close()
  })
}

/** @param {import('../lib/types.js').Profile} profile @param {import('../lib/types.js').Durations} durations @param {number} ratePerSender */
export function makeHotSender(profile, durations, ratePerSender) {
  return guarded('hotSender', async (data) => {
    const opened = await openSession(profile.durationS, durations, identity(data, hotUserForVu()))
    if (!opened) return
    const { session, lengthMs } = opened
    const conversationId = meta().hotConversationId
    const intervalMs = 1000 / ratePerSender
    const end = Date.now() + lengthMs
    /** @type {Promise<unknown>[]} */
    const pending = []
    let next = Date.now()
    while (true) {
      await sleepMs(next - Date.now())
      if (Date.now() >= end) break
      next += intervalMs
      pending.push(session.send(conversationId))
      if (pending.length > 200) pending.splice(0, 100)
    }
    await Promise.all(pending)
    await session.close()
  })
}
