import { describe, expect, it } from 'vitest'
import { actionBody, describeRuleOutcome, describeSanction, emptyActionForm } from '../../layers/admin/utils/moderation-actions'
import { applyNotice, muteNotice } from '../../utils/chat/moderation'
import { strongerRule } from '../../layers/admin/server/services/escalation/escalate'
import { applyDeleted, applyLatestPage, applySync, emptyTimeline, upsertMessage } from '../../utils/chat/timeline'
import { messageFixture } from '../support/message-fixture'

const conversation = { id: 'c1', projectId: 'p1' }
const later = new Date(Date.now() + 3_600_000).toISOString()

describe('report action form', () => {
  it('builds the body of each action', () => {
    expect(actionBody({ ...emptyActionForm(), action: 'deleted' })).toEqual({ body: { action: 'deleted' } })
    expect(actionBody({ ...emptyActionForm(), action: 'muted', duration: '60', reason: ' calm ' })).toEqual({ body: { action: 'muted', reason: 'calm', durationMinutes: 60 } })
    expect(actionBody({ ...emptyActionForm(), action: 'banned', duration: 'forever', reason: 'x', deleteMessage: true })).toEqual({ body: { action: 'banned', reason: 'x', deleteMessage: true } })
    const custom = actionBody({ ...emptyActionForm(), action: 'readonly', duration: 'custom', customUntil: later, reason: 'x' })
    expect(custom).toEqual({ body: { action: 'readonly', reason: 'x', until: later } })
  })
  it('refuses what the server would refuse', () => {
    expect(actionBody({ ...emptyActionForm(), action: 'warned' })).toEqual({ error: expect.stringContaining('reason') })
    expect(actionBody({ ...emptyActionForm(), action: 'muted', reason: 'x', duration: 'custom', customUntil: '' })).toEqual({ error: 'pick when it ends' })
    expect(actionBody({ ...emptyActionForm(), action: 'muted', reason: 'x', duration: 'custom', customUntil: '2000-01-01T00:00' })).toEqual({ error: 'the end must be in the future' })
  })
  it('words sanctions and rules', () => {
    expect(describeSanction({ kind: 'mute', until: null, reason: 'calm', conversationId: null, projectId: null })).toBe('Muted until lifted — calm')
    expect(describeRuleOutcome({ action: 'mute', durationHours: 24 })).toBe('muted for 24 h')
    expect(describeRuleOutcome({ action: 'ban', durationHours: 168 })).toBe('banned from the project for 7 d')
  })
})

describe('member mute notice', () => {
  it('says until when and why, for the conversation it applies to', () => {
    const mute = { kind: 'mute' as const, until: later, reason: 'cool down', conversationId: null, projectId: null }
    expect(muteNotice([mute], conversation)).toMatch(/^You are muted until .+: cool down$/)
    expect(muteNotice([{ ...mute, conversationId: 'other' }], conversation)).toBe('')
    expect(muteNotice([{ ...mute, conversationId: 'c1' }], conversation)).toMatch(/^You are read-only in this conversation until/)
    expect(muteNotice([{ ...mute, until: new Date(Date.now() - 1000).toISOString() }], conversation)).toBe('')
    expect(muteNotice([{ ...mute, kind: 'warn' as const }], conversation)).toBe('')
  })
  it('applies live notices: a mute joins, an unmute lifts it', () => {
    const muted = applyNotice([], { kind: 'mute', until: later, reason: 'r', conversationId: null, projectId: null })
    expect(muted).toMatchObject([{ kind: 'mute', until: later, reason: 'r' }])
    expect(applyNotice(muted, { kind: 'unmute', until: null, reason: null, conversationId: null, projectId: null })).toEqual([])
  })
})

describe('escalation', () => {
  it('prefers the heavier sanction, then the longer one', () => {
    expect(strongerRule({ action: 'mute', durationHours: 24 }, { action: 'ban', durationHours: 1 })).toEqual({ action: 'ban', durationHours: 1 })
    expect(strongerRule({ action: 'mute', durationHours: 24 }, { action: 'mute', durationHours: null })).toEqual({ action: 'mute', durationHours: null })
    expect(strongerRule({ action: 'readonly', durationHours: 200 }, { action: 'mute', durationHours: 1 })).toEqual({ action: 'mute', durationHours: 1 })
  })
})

describe('a restored message in the timeline', () => {
  const sender = { id: 'u', displayName: 'U', avatarUrl: null }
  const original = messageFixture(1, { id: 'm-1', conversationId: 'c', sender, createdAt: new Date().toISOString() }, { content: 'hello', updatedSeq: 1 })
  it('shows again with its text, live or through sync, and an older copy does not undo it', () => {
    const loaded = applyLatestPage(emptyTimeline(), [original], false)
    const deleted = applyDeleted(loaded, { messageId: 'm-1', updatedSeq: 2 }, new Date().toISOString())
    expect(deleted.messages[0]).toMatchObject({ content: '', deletedAt: expect.any(String) })
    const restored = { ...original, updatedSeq: 3, deletedAt: null, content: 'hello' }
    const live = upsertMessage(deleted, restored)
    expect(live.messages[0]).toMatchObject({ content: 'hello', deletedAt: null, updatedSeq: 3 })
    expect(applySync(deleted, { messages: [restored], hasMore: false, lastSeq: 3 }).messages[0]).toMatchObject({ content: 'hello', deletedAt: null })
    expect(applyDeleted(live, { messageId: 'm-1', updatedSeq: 2 }, new Date().toISOString()).messages[0]!.content).toBe('hello')
  })
})
