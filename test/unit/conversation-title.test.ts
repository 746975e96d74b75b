import { describe, expect, it } from 'vitest'
import { memberConversationTitle } from '~~/server/services/conversations/title'

describe('the title a member sees a conversation by', () => {
  it('names a direct message after the other person, and anything else by its own title', () => {
    expect(memberConversationTitle({ type: 'direct', title: 'Direct message' }, { displayName: 'Bob' })).toBe('Bob')
    expect(memberConversationTitle({ type: 'group', title: 'design' }, { displayName: 'Bob' })).toBe('design')
    expect(memberConversationTitle({ type: 'announcement', title: 'news' }, null)).toBe('news')
  })

  it('falls back to the stored title for a direct message with nobody else left in it', () => {
    expect(memberConversationTitle({ type: 'direct', title: 'Direct message' }, null)).toBe('Direct message')
  })
})
