// Per-socket bookkeeping of what a member has seen, to find lost and duplicated messages.
//
// Every conversation has one counter. A new message takes the next value as its `seq`; every
// later change (edit, delete, reaction, pin, thread reply on the root) takes the next value too as
// the message's `updatedSeq`. So a receiver that has seen every value up to its cursor has seen
// everything. The tracker keeps, per conversation:
//   cursor  – every counter value ≤ cursor is accounted for (baseline: the conversation's lastSeq
//             from GET /api/projects/:projectId/conversations, taken after the socket joined its rooms)
//   seen    – values > cursor received in real time (message:new seq/updatedSeq,
//             message:updated updatedSeq, message:deleted updatedSeq)
// A hole (seen values above cursor+1 while cursor+1 is missing) that outlives a grace period,
// a reconnect, and the end of a session each trigger sync:request from the cursor (paged while
// hasMore). Every value in (cursor, result.lastSeq] must then be explained by something seen in
// real time or by a synced message's seq or updatedSeq. Messages sync returns that real time did not
// deliver count as chat_messages_recovered; values nothing explains count as chat_messages_lost.
//
// Caveat: a message changed twice leaves its first change value unexplained (only its latest
// updatedSeq survives). The scenarios change any message at most once, and the load project is
// used by k6 only; do not run the suite while people edit messages in the "Load" project.
import { check } from 'k6'
import { deliver, duplicates, errors, lost, received, recovered, syncTime } from './metrics.js'

const GAP_GRACE_MS = Number(__ENV.GAP_GRACE_MS || 2000)
const IN_FLIGHT_MS = Number(__ENV.IN_FLIGHT_MS || 2000)
const MAX_LOG = 5
const T_RE = /\bt=(\d{13})\b/
// Self-test of the accounting only (never set in real runs): drop a fraction of real-time
// message:new (must come back as recovered) or hide a fraction of synced messages (must count as lost).
const SELFTEST_DROP = Number(__ENV.SELFTEST_DROP_REALTIME || 0)
const SELFTEST_HIDE = Number(__ENV.SELFTEST_HIDE_SYNCED || 0)

export function createTracker({ userId, label }) {
  const convs = {}
  let logged = 0
  const log = (msg) => {
    if (logged++ < MAX_LOG) console.warn(`[${label}] ${msg}`)
  }

  const state = (id) => {
    let st = convs[id]
    if (!st) {
      st = convs[id] = { cursor: null, seen: new Set(), holeSince: null, delivered: new Map(), synced: new Set(), syncing: false }
    }
    return st
  }

  const advance = (st) => {
    while (st.seen.has(st.cursor + 1)) {
      st.seen.delete(st.cursor + 1)
      st.cursor++
    }
    for (const v of st.seen) if (v <= st.cursor) st.seen.delete(v)
    st.holeSince = st.seen.size ? (st.holeSince || Date.now()) : null
  }

  const onValue = (st, v) => {
    if (typeof v !== 'number') return
    if (st.cursor === null) {
      st.seen.add(v)
      return
    }
    if (v <= st.cursor) return
    st.seen.add(v)
    advance(st)
  }

  const prune = (st) => {
    if (st.delivered.size < 4000) return
    const keepFrom = st.cursor - 2000
    for (const [id, seq] of st.delivered) if (seq < keepFrom) st.delivered.delete(id)
    st.synced.clear()
  }

  return {
    conversations: () => Object.keys(convs).filter(id => convs[id].cursor !== null),

    /** Conversation lastSeq as read after the socket joined its rooms. */
    setBaseline(conversationId, lastSeq) {
      const st = state(conversationId)
      if (st.cursor !== null) return
      st.cursor = lastSeq
      advance(st)
    },

    onNew(message) {
      if (SELFTEST_DROP && Math.random() < SELFTEST_DROP) return
      const st = state(message.conversationId)
      if (st.delivered.has(message.id)) {
        duplicates.add(1)
        log(`duplicate message:new ${message.id} seq ${message.seq} in ${message.conversationId}`)
      } else {
        st.delivered.set(message.id, message.seq)
        prune(st)
      }
      duplicates.add(0)
      onValue(st, message.seq)
      if (message.updatedSeq !== message.seq) onValue(st, message.updatedSeq)
      if (message.senderId !== userId) {
        received.add(1)
        const m = T_RE.exec(message.content || '')
        if (m) deliver.add(Date.now() - Number(m[1]))
      }
    },

    onUpdated(message) {
      onValue(state(message.conversationId), message.updatedSeq)
    },

    onDeleted(payload) {
      onValue(state(payload.conversationId), payload.updatedSeq)
    },

    /** Conversations whose hole has outlived the grace period. */
    staleHoles(now = Date.now()) {
      return Object.keys(convs).filter((id) => {
        const st = convs[id]
        return st.cursor !== null && !st.syncing && st.holeSince && now - st.holeSince >= GAP_GRACE_MS
      })
    },

    /**
     * sync:request from each cursor, paged while hasMore, then the accounting described above.
     * `ack(event, data)` returns a Promise of the ack payload. Resolves true when every request was answered.
     */
    async sync(ack, ids, reason) {
      const work = ids.filter(id => convs[id] && convs[id].cursor !== null && !convs[id].syncing)
      if (!work.length) return true
      const acc = {}
      for (const id of work) {
        convs[id].syncing = true
        acc[id] = { explained: new Set(), messages: [], lastSeq: convs[id].cursor }
      }
      const startedAt = Date.now()
      let pending = work.map(id => ({ conversationId: id, afterSeq: convs[id].cursor }))
      let ok = true
      try {
        while (pending.length) {
          const t0 = Date.now()
          const reply = await ack('sync:request', { conversations: pending })
          const answered = !!(reply && reply.ok === true && Array.isArray(reply.results))
          check(reply, { 'sync:request ok': () => answered })
          errors.add(!answered)
          if (!answered) {
            ok = false
            log(`sync:request (${reason}) failed: ${JSON.stringify(reply && reply.error)}`)
            break
          }
          syncTime.add(Date.now() - t0)
          const next = []
          for (const r of reply.results) {
            const a = acc[r.conversationId]
            if (!a) continue
            for (const m of r.messages) {
              if (SELFTEST_HIDE && Math.random() < SELFTEST_HIDE) continue
              a.explained.add(m.seq)
              a.explained.add(m.updatedSeq)
              a.messages.push(m)
            }
            a.lastSeq = Math.max(a.lastSeq, r.lastSeq)
            if (r.hasMore) next.push({ conversationId: r.conversationId, afterSeq: r.lastSeq })
          }
          pending = next
        }
        if (!ok) return false
        for (const id of work) {
          const st = convs[id]
          const a = acc[id]
          for (const m of a.messages) {
            if (m.seq <= st.cursor || st.delivered.has(m.id) || st.synced.has(m.id)) continue
            // At the end of a session, a message created a moment ago may still be on its way.
            const inFlight = reason === 'final' && startedAt - Date.parse(m.createdAt) < IN_FLIGHT_MS
            if (!inFlight) recovered.add(1, { reason })
            st.synced.add(m.id)
          }
          let missing = 0
          const examples = []
          for (let v = st.cursor + 1; v <= a.lastSeq; v++) {
            if (st.seen.has(v) || a.explained.has(v)) continue
            missing++
            if (examples.length < 5) examples.push(v)
          }
          if (missing) {
            lost.add(missing, { reason })
            log(`${missing} counter value(s) in ${id} (${st.cursor}, ${a.lastSeq}] unexplained after sync (${reason}), e.g. ${examples.join(',')}`)
          }
          st.cursor = Math.max(st.cursor, a.lastSeq)
          st.holeSince = null
          advance(st)
        }
        lost.add(0)
        return true
      } finally {
        for (const id of work) convs[id].syncing = false
      }
    }
  }
}
