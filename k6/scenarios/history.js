// History scrolling (REST): open a busy conversation at its newest page, then scroll back with
// beforeSeq = the oldest seq on screen until the start or `pages` pages.
import { check, sleep } from 'k6'
import { client } from '../lib/api.js'
import { identity } from '../lib/fixture.js'
import { errors } from '../lib/metrics.js'

/** @param {import('../lib/types.js').Profile} profile */
export function makeHistoryScroll(profile) {
  /** @param {import('../lib/types.js').SetupData} data */
  return function historyScroll(data) {
    const id = identity(data)
    const rest = client(id.baseUrl, id.token)
    const convs = id.user.conversations
    const conversationId = Math.random() < 0.5 ? convs.hot : convs.dept
    /** @type {number | undefined} */
    let beforeSeq
    for (let page = 0; page < profile.history.pages; page++) {
      const r = rest.history(conversationId, { limit: 50, beforeSeq })
      const msgs = r.body && r.body.messages
      const cursor = beforeSeq
      const ok = check(r, {
        'history 200': x => x.status === 200,
        'history ascending by seq': () => Array.isArray(msgs) && msgs.every((m, i) => i === 0 || msgs[i - 1].seq < m.seq),
        'history before cursor': () => Array.isArray(msgs) && (cursor === undefined || msgs.every(m => m.seq < cursor)),
        'history page size': () => Array.isArray(msgs) && msgs.length <= 50
      })
      errors.add(!ok)
      if (!ok || !msgs || !msgs.length || !r.body || !r.body.hasMore) break
      beforeSeq = msgs[0].seq
      sleep(profile.history.thinkS * (0.5 + Math.random()))
    }
    sleep(profile.history.thinkS)
  }
}
