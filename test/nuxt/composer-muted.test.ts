import { beforeEach, describe, expect, it } from 'vitest'
import ChatComposer from '~/components/chat/Composer.vue'
import { CONVERSATION_ID, ME, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

describe('composer while muted', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
  })

  it('says until when and why, and cannot send; a live unmute gives the composer back', async () => {
    const until = new Date(Date.now() + 24 * 3_600_000).toISOString()
    useModerationStore().receive({ kind: 'mute', until, reason: 'cool down', conversationId: null, projectId: null })
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const banner = wrapper.find('[data-testid="composer-muted"]')
    expect(banner.text()).toMatch(/^You are muted until .+: cool down$/)
    expect(wrapper.find('textarea').attributes('disabled')).toBeDefined()

    useModerationStore().receive({ kind: 'unmute', until: null, reason: null, conversationId: null, projectId: null })
    await nextTick()
    expect(wrapper.find('[data-testid="composer-muted"]').exists()).toBe(false)
    expect(wrapper.find('textarea').attributes('disabled')).toBeUndefined()
  })

  it('a read-only sanction elsewhere does not touch this conversation', async () => {
    useModerationStore().setAll([{ id: 's', kind: 'mute', until: null, reason: 'x', conversationId: 'another', projectId: PROJECT_ID, reportId: null, createdAt: new Date().toISOString() }])
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation({ id: CONVERSATION_ID }) })
    expect(wrapper.find('[data-testid="composer-muted"]').exists()).toBe(false)
  })
})
