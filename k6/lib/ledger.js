// Per-socket bookkeeping of what a member has seen, to find lost and duplicated messages. Pure: no
// k6 or Node import, so the k6 suite (lib/tracker.js) and the Node driver (load/) share it, and the
// tooling tests (test/tooling/k6-ledger.test.ts) run it in Node.
//
// Every conversation has one counter. A new message takes the next value as its `seq`; every
// later change (edit, delete, reaction, pin, thread reply on the root) takes the next value too as
// the message's `updatedSeq`. So a receiver that has seen every value up to its cursor has seen
// everything. The ledger keeps, per conversation:
//   cursor  – every counter value ≤ cursor is accounted for (baseline: the conversation's lastSeq
//             from GET /api/projects/:projectId/conversations, taken after the socket joined its rooms)
//   seen    – values > cursor received in real time (message:new seq/updatedSeq,
//             message:updated updatedSeq, message:deleted updatedSeq)
// A hole (seen values above cursor+1 while cursor+1 is missing) that outlives a grace period,
// a reconnect, and the end of a session each trigger sync:request from the cursor (paged while
// hasMore). Every value in (cursor, result.lastSeq] must then be explained by something seen in
// real time or by a synced message's seq or updatedSeq. Messages sync returns that real time did not
// deliver are *recovered*; values nothing explains are *lost*.
//
// Duplicates: the same message id delivered twice as message:new, or two different message ids
// carrying the same sender and clientId (a retried send the server stored twice).
//
// Caveat: a message changed twice leaves its first change value unexplained (only its latest
// updatedSeq survives). The scenarios change any message at most once.

/**
 * The fields of a contract Message the accounting reads.
 * @typedef {object} LedgerMessage
 * @property {string} id
 * @property {string} conversationId
 * @property {number} seq
 * @property {number} updatedSeq
 * @property {string} [clientId]
 * @property {string} senderId
 * @property {string} [content]
 * @property {string} [createdAt]
 */
/**
 * @typedef {object} SyncResult
 * @property {string} conversationId
 * @property {LedgerMessage[]} messages
 * @property {boolean} hasMore
 * @property {number} lastSeq
 */
/** @typedef {{ ok?: boolean, results?: SyncResult[], error?: unknown }} SyncReply */
/** @typedef {(event: 'sync:request', data: { conversations: { conversationId: string, afterSeq: number }[] }) => Promise<SyncReply | undefined>} SyncAck */
/**
 * What the caller records; every hook is optional.
 * @typedef {object} LedgerHooks
 * @property {(message: LedgerMessage, why: 'id' | 'clientId') => void} [duplicate]
 * @property {(message: LedgerMessage) => void} [received]        a first real-time message:new from another member
 * @property {(ms: number, answered: boolean, reply: SyncReply | undefined, reason: string) => void} [syncRequest]
 * @property {(count: number, reason: string) => void} [recovered]
 * @property {(count: number, reason: string, conversationId: string, examples: number[]) => void} [lost]
 */
/**
 * @typedef {object} LedgerOptions
 * @property {string} userId                  the member this socket belongs to
 * @property {number} [gapGraceMs]            how long a hole may stay open before staleHoles() reports it (2000)
 * @property {number} [inFlightMs]            a message this young at a final sync is in flight, not recovered (2000)
 * @property {number} [keep]                  message ids remembered per conversation before pruning (4000; Infinity for a full audit)
 * @property {() => number} [now]
 * @property {LedgerHooks} [hooks]
 * @property {() => boolean} [dropRealtime]   self-test: true → ignore this message:new
 * @property {() => boolean} [hideSynced]     self-test: true → ignore this synced message
 */
/**
 * @typedef {object} ConversationState
 * @property {number | null} cursor
 * @property {Set<number>} seen
 * @property {number | null} holeSince
 * @property {Map<string, number>} delivered   message id → seq, real time
 * @property {Map<string, number>} synced      message id → seq, recovered by sync
 * @property {Map<string, string>} byClientId  senderId:clientId → message id
 * @property {boolean} syncing
 */

/**
 * @param {LedgerOptions} options
 */
export function createLedger(options) {
  const { userId, hooks = {} } = options
  const gapGraceMs = options.gapGraceMs ?? 2000
  const inFlightMs = options.inFlightMs ?? 2000
  const keep = options.keep ?? 4000
  const now = options.now ?? Date.now
  /** @type {Map<string, ConversationState>} */
  const convs = new Map()
  const totals = { received: 0, duplicates: 0, recovered: 0, lost: 0 }

  /** @param {string} id */
  const state = (id) => {
    let st = convs.get(id)
    if (!st) {
      st = { cursor: null, seen: new Set(), holeSince: null, delivered: new Map(), synced: new Map(), byClientId: new Map(), syncing: false }
      convs.set(id, st)
    }
    return st
  }

  /** @param {ConversationState} st */
  const advance = (st) => {
    if (st.cursor === null) return
    while (st.seen.has(st.cursor + 1)) {
      st.seen.delete(st.cursor + 1)
      st.cursor++
    }
    for (const v of st.seen) if (v <= st.cursor) st.seen.delete(v)
    st.holeSince = st.seen.size ? (st.holeSince ?? now()) : null
  }

  /** @param {ConversationState} st @param {unknown} v */
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

  /** @param {ConversationState} st */
  const prune = (st) => {
    if (st.delivered.size + st.synced.size < keep || st.cursor === null) return
    const keepFrom = st.cursor - keep / 2
    for (const map of [st.delivered, st.synced]) for (const [id, seq] of map) if (seq < keepFrom) map.delete(id)
    if (st.byClientId.size > keep) st.byClientId.clear()
  }

  /**
   * Remembers which message a sender's clientId produced; false when it already produced another.
   * @param {ConversationState} st @param {LedgerMessage} m
   */
  const noteClientId = (st, m) => {
    if (!m.clientId) return true
    const key = `${m.senderId}:${m.clientId}`
    const known = st.byClientId.get(key)
    if (known === undefined) {
      st.byClientId.set(key, m.id)
      return true
    }
    return known === m.id
  }

  /** @param {LedgerMessage} m @param {'id' | 'clientId'} why */
  const duplicate = (m, why) => {
    totals.duplicates++
    hooks.duplicate?.(m, why)
  }

  return {
    totals,

    /** Conversations with a baseline. @returns {string[]} */
    conversations: () => [...convs.keys()].filter(id => state(id).cursor !== null),

    /**
     * Conversation lastSeq as read after the socket joined its rooms (the first call wins).
     * @param {string} conversationId @param {number} lastSeq
     */
    setBaseline(conversationId, lastSeq) {
      const st = state(conversationId)
      if (st.cursor !== null) return
      st.cursor = lastSeq
      advance(st)
    },

    /** @param {string} conversationId @returns {number | null} */
    cursor: conversationId => convs.get(conversationId)?.cursor ?? null,

    /**
     * A message:new. Returns 'duplicate', 'own' (the member's own message echoed), 'received' or 'dropped' (self-test).
     * @param {LedgerMessage} message
     * @returns {'duplicate' | 'own' | 'received' | 'dropped'}
     */
    onNew(message) {
      if (options.dropRealtime?.()) return 'dropped'
      const st = state(message.conversationId)
      let dup = false
      if (st.delivered.has(message.id)) {
        dup = true
        duplicate(message, 'id')
      } else {
        if (!noteClientId(st, message)) {
          dup = true
          duplicate(message, 'clientId')
        }
        st.delivered.set(message.id, message.seq)
        prune(st)
      }
      onValue(st, message.seq)
      if (message.updatedSeq !== message.seq) onValue(st, message.updatedSeq)
      if (dup) return 'duplicate'
      if (message.senderId === userId) return 'own'
      totals.received++
      hooks.received?.(message)
      return 'received'
    },

    /** @param {{ conversationId: string, updatedSeq: number }} message */
    onUpdated(message) {
      onValue(state(message.conversationId), message.updatedSeq)
    },

    /** @param {{ conversationId: string, updatedSeq: number }} payload */
    onDeleted(payload) {
      onValue(state(payload.conversationId), payload.updatedSeq)
    },

    /**
     * Conversations whose hole has outlived the grace period.
     * @param {number} [at]
     * @returns {string[]}
     */
    staleHoles(at = now()) {
      const out = []
      for (const [id, st] of convs) {
        if (st.cursor !== null && !st.syncing && st.holeSince !== null && at - st.holeSince >= gapGraceMs) out.push(id)
      }
      return out
    },

    /**
     * Whether this member has the message (delivered in real time or recovered by sync).
     * @param {string} conversationId @param {string} messageId
     */
    has(conversationId, messageId) {
      const st = convs.get(conversationId)
      return !!st && (st.delivered.has(messageId) || st.synced.has(messageId))
    },

    /**
     * Every message id this member has for a conversation, with its seq.
     * @param {string} conversationId
     * @returns {Map<string, number>}
     */
    known(conversationId) {
      const st = convs.get(conversationId)
      return st ? new Map([...st.delivered, ...st.synced]) : new Map()
    },

    /**
     * sync:request from each cursor, paged while hasMore, then the accounting described above.
     * Resolves true when every request was answered.
     * @param {SyncAck} ack
     * @param {string[]} ids
     * @param {string} reason  'gap' | 'reconnect' | 'final' (or any label for the hooks)
     * @returns {Promise<boolean>}
     */
    async sync(ack, ids, reason) {
      const work = ids.filter((id) => {
        const st = convs.get(id)
        return !!st && st.cursor !== null && !st.syncing
      })
      if (!work.length) return true
      /** @type {Map<string, { explained: Set<number>, messages: LedgerMessage[], lastSeq: number }>} */
      const acc = new Map()
      for (const id of work) {
        const st = state(id)
        st.syncing = true
        acc.set(id, { explained: new Set(), messages: [], lastSeq: /** @type {number} */ (st.cursor) })
      }
      const startedAt = now()
      let pending = work.map(id => ({ conversationId: id, afterSeq: /** @type {number} */ (state(id).cursor) }))
      try {
        while (pending.length) {
          const t0 = now()
          const reply = await ack('sync:request', { conversations: pending })
          const answered = !!(reply && reply.ok === true && Array.isArray(reply.results))
          hooks.syncRequest?.(now() - t0, answered, reply, reason)
          if (!answered || !reply || !reply.results) return false
          /** @type {{ conversationId: string, afterSeq: number }[]} */
          const next = []
          for (const r of reply.results) {
            const a = acc.get(r.conversationId)
            if (!a) continue
            for (const m of r.messages) {
              if (options.hideSynced?.()) continue
              a.explained.add(m.seq)
              a.explained.add(m.updatedSeq)
              a.messages.push(m)
            }
            a.lastSeq = Math.max(a.lastSeq, r.lastSeq)
            if (r.hasMore) next.push({ conversationId: r.conversationId, afterSeq: r.lastSeq })
          }
          pending = next
        }
        for (const id of work) {
          const st = state(id)
          const a = /** @type {{ explained: Set<number>, messages: LedgerMessage[], lastSeq: number }} */ (acc.get(id))
          const cursor = /** @type {number} */ (st.cursor)
          let recovered = 0
          for (const m of a.messages) {
            if (m.seq <= cursor || st.delivered.has(m.id) || st.synced.has(m.id)) continue
            if (!noteClientId(st, m)) duplicate(m, 'clientId')
            // At the end of a session, a message created a moment ago may still be on its way.
            const inFlight = reason === 'final' && m.createdAt !== undefined && startedAt - Date.parse(m.createdAt) < inFlightMs
            if (!inFlight) recovered++
            st.synced.set(m.id, m.seq)
          }
          if (recovered) {
            totals.recovered += recovered
            hooks.recovered?.(recovered, reason)
          }
          let missing = 0
          /** @type {number[]} */
          const examples = []
          for (let v = cursor + 1; v <= a.lastSeq; v++) {
            if (st.seen.has(v) || a.explained.has(v)) continue
            missing++
            if (examples.length < 5) examples.push(v)
          }
          if (missing) {
            totals.lost += missing
            hooks.lost?.(missing, reason, id, examples)
          }
          st.cursor = Math.max(cursor, a.lastSeq)
          st.holeSince = null
          advance(st)
          prune(st)
        }
        return true
      } finally {
        for (const id of work) state(id).syncing = false
      }
    }
  }
}

/** @typedef {ReturnType<typeof createLedger>} Ledger */
