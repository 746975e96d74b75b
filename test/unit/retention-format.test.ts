import { describe, expect, it } from 'vitest'
import { describeRetentionPolicy, describeRetentionPreview } from '#layers/admin/utils/retention-format'
import { auditDiff, auditExtraDetails } from '#layers/admin/utils/audit-diff'

describe('retention wording', () => {
  it('says what the next run would delete', () => {
    expect(describeRetentionPreview({ messages: 1204, files: 37 })).toBe('Would delete 1,204 messages and 37 files')
    expect(describeRetentionPreview({ messages: 1, files: 1 })).toBe('Would delete 1 message and 1 file')
    expect(describeRetentionPreview({ messages: 0, files: 0 })).toBe('The next run would delete nothing.')
  })

  it('names the policy', () => {
    expect(describeRetentionPolicy({ days: null, keepPinned: true })).toBe('Keep forever')
    expect(describeRetentionPolicy({ days: 90, keepPinned: true })).toBe('Delete after 90 days · pinned kept')
    expect(describeRetentionPolicy({ days: 1, keepPinned: false })).toBe('Delete after 1 day')
  })
})

describe('audit diff', () => {
  it('lists changed fields first with before and after', () => {
    expect(auditDiff({ before: { days: null, keepPinned: true }, after: { days: 30, keepPinned: true } })).toEqual([
      { key: 'days', before: 'null', after: '30', changed: true },
      { key: 'keepPinned', before: 'true', after: 'true', changed: false }
    ])
  })

  it('shows a field only on one side as added or removed, and a single value as "value"', () => {
    expect(auditDiff({ after: { status: 'locked' } })).toEqual([{ key: 'status', before: '—', after: 'locked', changed: true }])
    expect(auditDiff({ before: 'member', after: 'admin' })).toEqual([{ key: 'value', before: 'member', after: 'admin', changed: true }])
    expect(auditDiff({ reason: 'spam' })).toEqual([])
  })

  it('keeps the other details beside the diff', () => {
    expect(auditExtraDetails({ userId: 'u', before: 1, after: 2, reason: 'spam', count: 3 })).toBe('reason: spam, count: 3')
  })
})
