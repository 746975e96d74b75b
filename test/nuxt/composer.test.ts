import { beforeEach, describe, expect, it } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import ChatComposer from '~/components/chat/Composer.vue'
import { CONVERSATION_ID, ME, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

// The server's configured length, as /api/config would report it: the composer must not assume 5000.
mockNuxtImport('useClientConfig', () => () => ({
  auth: 'local', supabaseUrl: null, supabaseAnonKey: null, maxMessageLength: 20, uploadMaxBytes: 1024
}))

const sent = () => useMessagesStore().timelineOf(CONVERSATION_ID).messages

async function type(wrapper: Awaited<ReturnType<typeof mountInApp>>, text: string) {
  const input = wrapper.find<HTMLTextAreaElement>('[data-testid="composer-input"] textarea, textarea[data-testid="composer-input"]')
  await input.setValue(text)
  return input
}

describe('composer', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
  })

  it('sends on Enter and clears the input', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, '  hello there  ')
    await input.trigger('keydown', { key: 'Enter' })
    expect(sent().map(m => [m.content, m.status])).toEqual([['hello there', 'pending']])
    expect(input.element.value).toBe('')
  })

  it('keeps Shift+Enter for a new line', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, 'first line')
    await input.trigger('keydown', { key: 'Enter', shiftKey: true })
    expect(sent()).toHaveLength(0)
  })

  it('enforces the configured length: counts, refuses to send past it', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, 'x'.repeat(21))
    expect(wrapper.find('[data-testid="composer-count"]').text()).toBe('21/20')
    expect(wrapper.find('[data-testid="composer-send"]').attributes('disabled')).toBeDefined()
    await input.trigger('keydown', { key: 'Enter' })
    expect(sent()).toHaveLength(0)

    await type(wrapper, 'x'.repeat(20))
    expect(wrapper.find('[data-testid="composer-send"]').attributes('disabled')).toBeUndefined()
    await wrapper.find('[data-testid="composer-send"]').trigger('click')
    expect(sent().map(m => m.content)).toEqual(['x'.repeat(20)])
  })

  it('sends nothing for blank text without files', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = await type(wrapper, '   ')
    await input.trigger('keydown', { key: 'Enter' })
    expect(sent()).toHaveLength(0)
  })

  it('says why a locked conversation takes no messages', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation({ status: 'locked' }) })
    expect(wrapper.text()).toContain('This conversation is locked by an admin.')
    expect(wrapper.find('[data-testid="composer-send"]').attributes('disabled')).toBeDefined()
  })
})
