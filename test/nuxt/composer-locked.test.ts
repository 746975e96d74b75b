import { describe, expect, it } from 'vitest'
import ChatComposer from '~/components/chat/Composer.vue'
import { conversation } from './fixtures'
import { mountInApp } from './mount'

describe('composer in a locked, archived or slowed-down conversation', () => {
  it('shows the locked banner instead of an enabled composer for a member', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation({ status: 'locked' }) })
    const banner = wrapper.find('[data-testid="composer-locked-banner"]')
    expect(banner.attributes('data-status')).toBe('locked')
    expect(banner.text()).toContain('This conversation is locked by an admin. You can read it, but not post.')
    expect(wrapper.find('[data-testid="composer-input"]').attributes('disabled')).toBeDefined()
  })

  it('says an archived conversation is archived', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation({ status: 'archived' }) })
    expect(wrapper.find('[data-testid="composer-locked-banner"]').text()).toContain('This conversation is archived.')
  })

  it('binds the conversation\'s owner too: an admin\'s lock is not theirs to pass', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation({ status: 'locked', myRole: 'owner' }) })
    expect(wrapper.find('[data-testid="composer-locked-banner"]').text()).toContain('You can read it, but not post.')
    expect(wrapper.find('[data-testid="composer-input"]').attributes('disabled')).toBeDefined()
  })

  it('tells a member and the owner the slow-mode pace', async () => {
    const member = await mountInApp(ChatComposer, { conversation: conversation({ settings: { slowModeSeconds: 30 } }) })
    expect(member.find('[data-testid="composer-slow-mode"]').text()).toBe('Slow mode: one message every 30 s')
    expect(member.find('[data-testid="composer-locked-banner"]').exists()).toBe(false)
    const owner = await mountInApp(ChatComposer, { conversation: conversation({ settings: { slowModeSeconds: 30 }, myRole: 'owner' }) })
    expect(owner.find('[data-testid="composer-slow-mode"]').text()).toBe('Slow mode: one message every 30 s')
  })
})
