import { beforeEach, describe, expect, it } from 'vitest'
import type { Participant } from '#shared/types'
import ChatComposer from '~/components/chat/Composer.vue'
import { CONVERSATION_ID, ME, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

function participant(userId: string, displayName: string): Participant {
  return { id: userId, userId, displayName, avatarUrl: null, email: `${userId}@example.com`, role: 'member', lastReadSeq: 0, joinedAt: '2026-01-01T00:00:00.000Z' }
}

type Wrapper = Awaited<ReturnType<typeof mountInApp>>
const field = (wrapper: Wrapper) => wrapper.find<HTMLTextAreaElement>('textarea[data-testid="composer-input"], [data-testid="composer-input"] textarea')
const options = (wrapper: Wrapper) => wrapper.findAll('[data-testid="suggestion-option"]')
const labels = (wrapper: Wrapper) => options(wrapper).map(o => o.find('[data-testid="suggestion-label"]').text())
const selected = (wrapper: Wrapper) => options(wrapper).findIndex(o => o.attributes('aria-selected') === 'true')
const settle = () => new Promise(resolve => setTimeout(resolve, 10))

/** Types as a browser does: one input event per character, the caret after it, the model updated by the textarea. */
async function typeKeys(wrapper: Wrapper, text: string) {
  const input = field(wrapper)
  for (const character of text) {
    input.element.value += character
    input.element.setSelectionRange(input.element.value.length, input.element.value.length)
    await input.trigger('input')
  }
  return input
}

async function type(wrapper: Wrapper, text: string) {
  const input = field(wrapper)
  await input.setValue(text)
  input.element.setSelectionRange(text.length, text.length)
  await input.trigger('input')
  await settle()
  return input
}

describe('composer autocomplete', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().setParticipants(CONVERSATION_ID, [
      participant(ME.id, ME.displayName),
      participant('00000000-0000-4000-8000-0000000000a1', 'Ada Lovelace'),
      participant('00000000-0000-4000-8000-0000000000a2', 'Alan Turing'),
      participant('00000000-0000-4000-8000-0000000000a3', 'Grace Hopper')
    ])
  })

  it('opens on @ with the participants (not oneself), @here and @channel, and filters by what follows', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    await type(wrapper, 'hi @')
    expect(labels(wrapper)).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', '@here', '@channel'])
    await type(wrapper, 'hi @al')
    expect(labels(wrapper)).toEqual(['Alan Turing'])
    await type(wrapper, 'hi @ada lo')
    expect(labels(wrapper)).toEqual(['Ada Lovelace'])
    await type(wrapper, 'hi @cha')
    expect(labels(wrapper)).toEqual(['@channel'])
    await type(wrapper, 'mail me@example')
    expect(options(wrapper)).toHaveLength(0)
  })

  it('moves with Up and Down, inserts the name with its spaces on Enter without sending', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, 'ping @a')
    expect(selected(wrapper)).toBe(0)
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(selected(wrapper)).toBe(1)
    await input.trigger('keydown', { key: 'ArrowUp' })
    await input.trigger('keydown', { key: 'ArrowUp' })
    expect(selected(wrapper)).toBe(2)
    await input.trigger('keydown', { key: 'ArrowDown' })
    await input.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(input.element.value).toBe('ping @Ada Lovelace ')
    expect(input.element.selectionStart).toBe('ping @Ada Lovelace '.length)
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages).toHaveLength(0)
    expect(options(wrapper)).toHaveLength(0)
  })

  it('takes Tab and a mouse click too, and inserts @here / @channel', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, '@he')
    await input.trigger('keydown', { key: 'Tab' })
    await settle()
    expect(input.element.value).toBe('@here ')

    await type(wrapper, '@here @ch')
    await options(wrapper)[0]!.trigger('mousedown')
    await settle()
    expect(input.element.value).toBe('@here @channel ')
  })

  it('closes on Escape, and Enter then sends', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, 'see @gr')
    expect(options(wrapper)).toHaveLength(1)
    await input.trigger('keydown', { key: 'Escape' })
    expect(options(wrapper)).toHaveLength(0)
    await input.trigger('keydown', { key: 'Enter' })
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages.map(m => m.content)).toEqual(['see @gr'])
  })

  it('suggests emoji after a colon and two letters and inserts the emoji itself', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    await type(wrapper, 'great :t')
    expect(options(wrapper)).toHaveLength(0)
    const input = await type(wrapper, 'great :tada')
    // The emoji data is imported on first use.
    for (let i = 0; i < 50 && !options(wrapper).length; i++) await settle()
    expect(labels(wrapper)[0]).toBe(':tada:')
    await input.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(input.element.value).toBe('great 🎉')
  })

  it('sends a complete :shortcode: typed key by key on Enter, with no stray colon', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    // The emoji data loads on the first query; let it, so the menu's answers come while typing.
    await type(wrapper, ':ta')
    for (let i = 0; i < 50 && !options(wrapper).length; i++) await settle()
    await type(wrapper, '')
    const input = await typeKeys(wrapper, ':thumbsup:')
    await settle()
    expect(options(wrapper)).toHaveLength(0)
    await input.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages.map(m => m.content)).toEqual([':thumbsup:'])
    expect(input.element.value).toBe('')
  })

  it('keeps the menu closed when an emoji search answers after the closing colon', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    // Typed faster than the emoji data loads: every search is still running when the colon closes the code.
    const input = await typeKeys(wrapper, 'ok :thumbsup:')
    for (let i = 0; i < 20; i++) await settle()
    expect(options(wrapper)).toHaveLength(0)
    await input.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(useMessagesStore().timelineOf(CONVERSATION_ID).messages.map(m => m.content)).toEqual(['ok :thumbsup:'])
  })
})
