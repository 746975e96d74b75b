import { describe, expect, it } from 'vitest'
import { auditDeliveries, type AckedMessage, type MemberReport } from '../../load/lib/audit.mjs'

const acked: AckedMessage[] = [
  { conversationId: 'c1', id: 'm1', seq: 11, clientId: 'k1', senderId: 'alice' },
  { conversationId: 'c1', id: 'm2', seq: 12, clientId: 'k2', senderId: 'bob' },
  { conversationId: 'c2', id: 'm3', seq: 3, clientId: 'k3', senderId: 'alice' }
]
const member = (label: string, conversations: MemberReport['conversations']): MemberReport => ({ label, userId: label, conversations })

describe('end-of-run delivery audit', () => {
  it('passes when every member has every message sent after it joined', () => {
    const r = auditDeliveries(acked, [
      member('alice', [{ conversationId: 'c1', baseline: 10, known: ['m1', 'm2'] }, { conversationId: 'c2', baseline: 0, known: ['m3'] }]),
      member('bob', [{ conversationId: 'c1', baseline: 10, known: ['m2', 'm1'] }])
    ])
    expect(r).toEqual({ expected: 5, missing: 0, duplicateAcks: 0, examples: [] })
  })

  it('reports an acked message a member never got', () => {
    const r = auditDeliveries(acked, [member('bob', [{ conversationId: 'c1', baseline: 10, known: ['m2'] }])])
    expect(r.missing).toBe(1)
    expect(r.examples).toEqual(['bob lacks m1 (seq 11) in c1'])
  })

  it('expects nothing from before a member joined', () => {
    const r = auditDeliveries(acked, [member('carol', [{ conversationId: 'c1', baseline: 11, known: ['m2'] }])])
    expect(r).toMatchObject({ expected: 1, missing: 0 })
  })

  it('counts a clientId acked with two different messages as a duplicate', () => {
    const resentTwice = [...acked, { conversationId: 'c1', id: 'm9', seq: 13, clientId: 'k1', senderId: 'alice' }]
    expect(auditDeliveries(resentTwice, []).duplicateAcks).toBe(1)
    // The same message acked twice (a resend answered `duplicate: true`) is one message.
    expect(auditDeliveries([...acked, acked[0]!], []).duplicateAcks).toBe(0)
  })
})
