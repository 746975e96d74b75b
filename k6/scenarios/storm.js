// Reconnect storm: every storm VU drops its socket at the same wall-clock instant (boundaries of
// `everyS` counted from setup), reconnects at once and sends sync:request for all its
// conversations from its cursors. Chatting members and hot senders keep sending meanwhile, so the
// sync must return what was missed: chat_messages_recovered{reason:reconnect} > 0 is expected,
// chat_messages_lost must stay 0. chat_reconnect_ms = drop → connected and synced.
import { identity } from '../lib/fixture.js'
import { guarded, openSession, sleepMs } from '../lib/session.js'

/** @param {import('../lib/types.js').Profile} profile @param {import('../lib/types.js').Durations} durations */
export function makeReconnectStorm(profile, durations) {
  return guarded('reconnectStorm', async (data) => {
    const opened = await openSession(profile.storm.sessionS, durations, identity(data))
    if (!opened) return
    const { session, lengthMs } = opened
    const everyMs = profile.storm.everyS * 1000
    const end = Date.now() + lengthMs
    while (true) {
      const now = Date.now()
      const boundary = data.t0 + Math.ceil((now - data.t0 + 1) / everyMs) * everyMs
      if (boundary > end - 3000) break
      await sleepMs(boundary - Date.now())
      await session.reconnect({ abrupt: true })
    }
    await sleepMs(end - Date.now())
    await session.close()
  })
}
