import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatMessageItem from '~/components/chat/MessageItem.vue'
import type { Message } from '#shared/types'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

/** Mounts one row of a timeline that holds `timeline` (the row included). */
async function mountRow(row: Message, timeline: Message[] = [row]) {
  useMessagesStore().applyLatestPage(CONVERSATION_ID, timeline, false)
  return mountInApp(ChatMessageItem, { message: { ...row, status: 'sent' }, grouped: false, own: row.senderId === ME.id })
}

describe('quote replies', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })
  afterEach(() => useAuthStore().signOut())

  it('shows the author and first line of the original found in the timeline, linking to it', async () => {
    const original = message(3, { content: '\nFirst line here\nsecond line' })
    const reply = message(5, { replyToId: original.id })
    const wrapper = await mountRow(reply, [original, reply])
    const quote = wrapper.find('[data-testid="quote-preview"]')
    expect(quote.find('[data-testid="quote-author"]').text()).toBe('Other')
    expect(quote.find('[data-testid="quote-excerpt"]').text()).toBe('First line here')
    expect(quote.attributes('href')).toContain('#m-3')
    // The quote sits outside the body, so the body is still only the reply's own text.
    expect(wrapper.find('[data-testid="message-body"]').text()).toBe('message 5')
  })

  it('says the original was deleted, from the server\'s summary', async () => {
    const reply = message(5, { replyToId: message(3).id, replyTo: { id: message(3).id, seq: 3, senderName: 'Other', excerpt: '', deleted: true } })
    const wrapper = await mountRow(reply)
    expect(wrapper.find('[data-testid="quote-deleted"]').text()).toBe('Original message deleted')
    expect(wrapper.find('[data-testid="quote-excerpt"]').exists()).toBe(false)
  })

  it('marks a deleted original found in the timeline as deleted too', async () => {
    const original = message(3, { deletedAt: new Date().toISOString(), content: '' })
    const reply = message(4, { replyToId: original.id })
    const wrapper = await mountRow(reply, [original, reply])
    expect(wrapper.find('[data-testid="quote-deleted"]').exists()).toBe(true)
  })

  it('shows no quote when the original is unknown', async () => {
    const wrapper = await mountRow(message(5, { replyToId: message(1).id }))
    expect(wrapper.find('[data-testid="quote-preview"]').exists()).toBe(false)
  })
})

describe('system messages', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })

  it('renders a centred line without actions, linking to the message it is about', async () => {
    const pinned = message(2)
    const line = message(4, { type: 'system', content: 'Other pinned a message', contentHtml: '', replyToId: pinned.id })
    const wrapper = await mountRow(line, [pinned, line])
    const item = wrapper.find('[data-testid="message-item"]')
    expect(item.attributes('data-type')).toBe('system')
    expect(item.find('[data-testid="message-body"]').text()).toBe('Other pinned a message')
    expect(item.find('[data-testid="system-view-message"]').attributes('href')).toContain('#m-2')
    expect(item.find('[data-testid="message-actions"]').exists()).toBe(false)
  })

  it('has no link when it is about nothing', async () => {
    const wrapper = await mountRow(message(4, { type: 'system', content: 'Other added Me', contentHtml: '' }))
    expect(wrapper.find('[data-testid="system-view-message"]').exists()).toBe(false)
  })
})

describe('rendered content', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })

  it('gives code blocks a copy button and collapses long ones', async () => {
    const long = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')
    const html = `<pre><code>short()</code></pre><pre><code>${long}\n</code></pre>`
    const wrapper = await mountRow(message(1, { content: '```', contentHtml: html }))
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="code-copy"]')).toHaveLength(2))
    const toggles = wrapper.findAll('[data-testid="code-toggle"]')
    expect(toggles).toHaveLength(1)
    expect(toggles[0]!.attributes('aria-expanded')).toBe('false')
    expect(toggles[0]!.attributes('data-label')).toBe('Show more (20 lines)')
    await toggles[0]!.trigger('click')
    expect(toggles[0]!.attributes('aria-expanded')).toBe('true')
    expect(toggles[0]!.attributes('data-label')).toBe('Show less')
    // Labels are drawn by CSS: the body's text is still the message's.
    expect(wrapper.find('[data-testid="message-body"]').text()).not.toContain('Copy')
  })

  it('marks mentions of me, not of others', async () => {
    const html = `<p><span class="mention" data-mention="user" data-user-id="${ME.id}">@Me</span> <span class="mention" data-mention="user" data-user-id="someone">@Someone</span></p>`
    const wrapper = await mountRow(message(1, { content: '@Me @Someone', contentHtml: html }))
    await vi.waitFor(() => expect(wrapper.find('.mention-me').exists()).toBe(true))
    expect(wrapper.findAll('.mention-me').map(m => m.text())).toEqual(['@Me'])
  })
})
