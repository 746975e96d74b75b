import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatReactionBar from '~/components/chat/ReactionBar.vue'
import ChatMessageItem from '~/components/chat/MessageItem.vue'
import type { ChatMessage } from '~/utils/chat/timeline'
import { CONVERSATION_ID, ME, OTHER, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const ALICE = '00000000-0000-4000-8000-00000000000a'
const names = { [OTHER.id]: 'Other', [ALICE]: 'Alice' }

describe('reaction bar', () => {
  beforeEach(() => inApp(() => useSession().signIn('token', ME)))

  it('shows each emoji with its count and marks the ones I reacted with', async () => {
    const wrapper = await mountInApp(ChatReactionBar, {
      reactions: [
        { emoji: '🎉', count: 2, userIds: [ALICE, ME.id] },
        { emoji: '👍', count: 1, userIds: [OTHER.id] }
      ],
      myId: ME.id,
      names,
      canReact: true
    })
    const chips = wrapper.findAll('[data-testid="reaction-chip"]')
    expect(chips.map(c => [c.attributes('data-emoji'), c.find('[data-testid="reaction-count"]').text()])).toEqual([['🎉', '2'], ['👍', '1']])
    expect(chips.map(c => c.attributes('aria-pressed'))).toEqual(['true', 'false'])
    expect(chips[0]!.attributes('data-mine')).toBe('true')
    expect(chips[1]!.attributes('data-mine')).toBeUndefined()
  })

  it('names who reacted, with the emoji\'s shortcode once the emoji data is loaded', async () => {
    const wrapper = await mountInApp(ChatReactionBar, {
      reactions: [{ emoji: '🎉', count: 3, userIds: [ALICE, OTHER.id, '00000000-0000-4000-8000-0000000000ff'] }],
      myId: ME.id,
      names,
      canReact: true
    })
    // The accessible name is the chip's visible text (emoji, count) followed by who reacted.
    const name = () => wrapper.find('[data-testid="reaction-chip"]').text().replace(/\s+/g, ' ')
    await vi.waitFor(() => expect(name()).toContain(':tada:'))
    expect(name()).toMatch(/^🎉 ?3, Alice, Other and 1 other reacted with :tada:/)
  })

  it('emits a toggle for the clicked emoji, and nothing when reacting is not allowed', async () => {
    const reactions = [{ emoji: '👀', count: 1, userIds: [OTHER.id] }]
    const wrapper = await mountInApp(ChatReactionBar, { reactions, myId: ME.id, names, canReact: true })
    await wrapper.find('[data-testid="reaction-chip"]').trigger('click')
    expect(wrapper.findComponent(ChatReactionBar).emitted('toggle')).toEqual([['👀']])

    const locked = await mountInApp(ChatReactionBar, { reactions, myId: ME.id, names, canReact: false })
    expect(locked.find('[data-testid="reaction-chip"]').attributes('disabled')).toBeDefined()
    expect(locked.find('[data-testid="reaction-add"]').exists()).toBe(false)
  })
})

describe('reacting from a message row', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })
  afterEach(() => vi.restoreAllMocks())

  it('adds a quick reaction through the socket and shows the message the server answered with', async () => {
    const original = message(3)
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [original], false)
    const socket = useSocket()
    const emitWithAck = vi.fn(async (event: string, payload: { messageId: string, emoji: string }) => ({
      ok: true,
      message: { ...original, updatedSeq: 4, reactions: [{ emoji: payload.emoji, count: 1, userIds: [ME.id] }] }
    }))
    vi.spyOn(socket, 'timeout').mockReturnValue({ emitWithAck } as unknown as ReturnType<typeof socket.timeout>)
    const row = (): ChatMessage => useMessagesStore().timelineOf(CONVERSATION_ID).messages[0]!
    const wrapper = await mountInApp(defineComponent({ setup: () => () => h(ChatMessageItem, { message: row(), grouped: false, own: false }) }))

    await wrapper.find('[data-testid="message-item"]').trigger('pointerenter')
    await wrapper.find('[data-testid="quick-reaction"][data-emoji="🎉"]').trigger('click')
    expect(emitWithAck).toHaveBeenCalledWith('reaction:add', { messageId: original.id, emoji: '🎉' })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="reaction-chip"][data-emoji="🎉"]').attributes('data-mine')).toBe('true'))
    // The emoji is now a recent one, offered beside the fixed quick reactions.
    expect(inApp(useEmoji).recents.value[0]).toBe('🎉')

    await wrapper.find('[data-testid="reaction-chip"][data-emoji="🎉"]').trigger('click')
    expect(emitWithAck).toHaveBeenLastCalledWith('reaction:remove', { messageId: original.id, emoji: '🎉' })
  })
})
