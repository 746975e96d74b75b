// The end-of-run audit: every message a sender saw acknowledged must be known to every member
// session of its conversation that was watching when it was sent (delivered in real time or
// recovered by the final sync:request), and every clientId must have produced one message only.
// Pure, so test/tooling/load-audit.test.ts can feed it a dropped message and see it reported.

/** @typedef {{ conversationId: string, id: string, seq: number, clientId: string, senderId: string }} AckedMessage */
/**
 * What one member session knows at the end, per conversation: the cursor baseline it started
 * from, and the ids of the messages it has.
 * @typedef {{ label: string, userId: string, conversations: { conversationId: string, baseline: number, known: string[] }[] }} MemberReport
 */

/**
 * @param {AckedMessage[]} acked
 * @param {MemberReport[]} members
 * @returns {{ expected: number, missing: number, duplicateAcks: number, examples: string[] }}
 */
export function auditDeliveries(acked, members) {
  /** @type {Map<string, AckedMessage[]>} */
  const byConversation = new Map()
  /** @type {Map<string, Set<string>>} */
  const idsByClientId = new Map()
  for (const m of acked) {
    const list = byConversation.get(m.conversationId)
    if (list) list.push(m)
    else byConversation.set(m.conversationId, [m])
    const key = `${m.senderId}:${m.clientId}`
    const ids = idsByClientId.get(key)
    if (ids) ids.add(m.id)
    else idsByClientId.set(key, new Set([m.id]))
  }
  let duplicateAcks = 0
  for (const ids of idsByClientId.values()) duplicateAcks += ids.size - 1

  let expected = 0
  let missing = 0
  /** @type {string[]} */
  const examples = []
  for (const member of members) {
    for (const c of member.conversations) {
      const sent = byConversation.get(c.conversationId)
      if (!sent) continue
      const known = new Set(c.known)
      /** @type {Set<string>} */
      const counted = new Set()
      for (const m of sent) {
        if (m.seq <= c.baseline || counted.has(m.id)) continue
        counted.add(m.id)
        expected++
        if (known.has(m.id)) continue
        missing++
        if (examples.length < 10) examples.push(`${member.label} lacks ${m.id} (seq ${m.seq}) in ${m.conversationId}`)
      }
    }
  }
  return { expected, missing, duplicateAcks, examples }
}
