import { beforeEach, describe, expect, it, vi } from 'vitest'
import ChatEmojiPicker from '~/components/chat/EmojiPicker.vue'
import { QUICK_REACTIONS } from '~/composables/useEmoji'
import { inApp, mountInApp } from './mount'

const options = (wrapper: Awaited<ReturnType<typeof mountInApp>>) => wrapper.findAll('[data-testid="emoji-option"]')

describe('emoji picker', () => {
  beforeEach(() => localStorage.removeItem('chat:recent-emoji'))

  it('finds emoji by shortcode and picks one on click', async () => {
    const wrapper = await mountInApp(ChatEmojiPicker)
    await vi.waitFor(() => expect(options(wrapper).length).toBeGreaterThan(100))
    await wrapper.find('[data-testid="emoji-search"] input, input[data-testid="emoji-search"]').setValue('tada')
    expect(options(wrapper)[0]!.text()).toBe('🎉')
    await options(wrapper)[0]!.trigger('click')
    expect(wrapper.findComponent(ChatEmojiPicker).emitted('select')).toEqual([['🎉']])
  })

  it('says so when nothing matches, and Enter picks the best match', async () => {
    const wrapper = await mountInApp(ChatEmojiPicker)
    await vi.waitFor(() => expect(options(wrapper).length).toBeGreaterThan(0))
    const input = wrapper.find('[data-testid="emoji-search"] input, input[data-testid="emoji-search"]')
    await input.setValue('zzzznothing')
    expect(wrapper.find('[data-testid="emoji-empty"]').exists()).toBe(true)
    await input.setValue('+1')
    await input.trigger('keydown', { key: 'Enter' })
    // Emojibase's fully qualified form, the one the server stores.
    expect(wrapper.findComponent(ChatEmojiPicker).emitted('select')).toEqual([['👍']])
  })

  it('shows recently used emoji first, and walks the grid with arrow keys', async () => {
    const emoji = inApp(useEmoji)
    emoji.remember('🦄')
    emoji.remember('🎉')
    await nextTick()
    const wrapper = await mountInApp(ChatEmojiPicker)
    await vi.waitFor(() => expect(wrapper.find('[data-testid="emoji-section-recent"]').exists()).toBe(true))
    const sections = wrapper.findAll('section')
    expect(sections[0]!.attributes('data-testid')).toBe('emoji-section-recent')
    expect(sections[0]!.findAll('[data-testid="emoji-option"]').map(o => o.text())).toEqual(['🎉', '🦄'])
    expect(options(wrapper).filter(o => o.attributes('tabindex') === '0').map(o => o.text())).toEqual(['🎉'])
    await wrapper.find('[aria-label="Emoji"]').trigger('keydown', { key: 'ArrowRight' })
    expect(options(wrapper).filter(o => o.attributes('tabindex') === '0').map(o => o.text())).toEqual(['🦄'])
  })

  it('keeps recents most recent first, without duplicates, and offers two beside the quick reactions', () => {
    const emoji = inApp(useEmoji)
    for (const e of ['🦄', '👍', '🔥', '🦄', '👍\uFE0F']) emoji.remember(e)
    expect(emoji.recents.value).toEqual(['👍\uFE0F', '🦄', '🔥'])
    expect(emoji.quick.value).toEqual([...QUICK_REACTIONS, '🦄', '🔥'])
  })
})
