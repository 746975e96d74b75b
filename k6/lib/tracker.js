// The k6 side of the loss/duplicate accounting: lib/ledger.js (pure, shared with the Node driver)
// wired to k6's metrics and checks. See lib/ledger.js for how lost and recovered are counted.
import { check } from 'k6'
import { createLedger } from './ledger.js'
import { deliver, duplicates, errors, lost, received, recovered, syncTime } from './metrics.js'

const GAP_GRACE_MS = Number(__ENV.GAP_GRACE_MS || 2000)
const IN_FLIGHT_MS = Number(__ENV.IN_FLIGHT_MS || 2000)
const MAX_LOG = 5
const T_RE = /\bt=(\d{13})\b/
// Self-test of the accounting only (never set in real runs): drop a fraction of real-time
// message:new (must come back as recovered) or hide a fraction of synced messages (must count as lost).
const SELFTEST_DROP = Number(__ENV.SELFTEST_DROP_REALTIME || 0)
const SELFTEST_HIDE = Number(__ENV.SELFTEST_HIDE_SYNCED || 0)

/** The send timestamp a message carries in its content (`t=<ms>`), or null. @param {string | undefined} content */
export function sentAtOf(content) {
  const m = T_RE.exec(content || '')
  return m ? Number(m[1]) : null
}

/**
 * @param {{ userId: string, label: string }} who
 */
export function createTracker({ userId, label }) {
  let logged = 0
  /** @param {string} msg */
  const log = (msg) => {
    if (logged++ < MAX_LOG) console.warn(`[${label}] ${msg}`)
  }
  const ledger = createLedger({
    userId,
    gapGraceMs: GAP_GRACE_MS,
    inFlightMs: IN_FLIGHT_MS,
    dropRealtime: SELFTEST_DROP ? () => Math.random() < SELFTEST_DROP : undefined,
    hideSynced: SELFTEST_HIDE ? () => Math.random() < SELFTEST_HIDE : undefined,
    hooks: {
      duplicate(m, why) {
        duplicates.add(1)
        log(`duplicate message:new ${m.id} seq ${m.seq} in ${m.conversationId} (same ${why})`)
      },
      received(m) {
        received.add(1)
        const sentAt = sentAtOf(m.content)
        if (sentAt !== null) deliver.add(Date.now() - sentAt)
      },
      syncRequest(ms, answered, reply, reason) {
        check(reply, { 'sync:request ok': () => answered })
        errors.add(!answered)
        if (answered) syncTime.add(ms)
        else log(`sync:request (${reason}) failed: ${JSON.stringify(reply && reply.error)}`)
      },
      recovered(count, reason) {
        recovered.add(count, { reason })
      },
      lost(count, reason, conversationId, examples) {
        lost.add(count, { reason })
        log(`${count} counter value(s) in ${conversationId} unexplained after sync (${reason}), e.g. ${examples.join(',')}`)
      }
    }
  })

  return {
    conversations: ledger.conversations,
    setBaseline: ledger.setBaseline,
    staleHoles: ledger.staleHoles,

    /** @param {import('./ledger.js').LedgerMessage} message */
    onNew(message) {
      ledger.onNew(message)
      duplicates.add(0)
    },
    onUpdated: ledger.onUpdated,
    onDeleted: ledger.onDeleted,

    /** @type {import('./ledger.js').Ledger['sync']} */
    async sync(ack, ids, reason) {
      const ok = await ledger.sync(ack, ids, reason)
      if (ok) lost.add(0)
      return ok
    }
  }
}
