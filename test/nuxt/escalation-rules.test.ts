import { describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import { UDashboardGroup } from '#components'
import AdminEscalationRulesPanel from '~~/layers/admin/components/admin/EscalationRulesPanel.vue'
import { mountInApp } from './mount'

const posted: unknown[] = []
registerEndpoint('/api/admin/escalation-rules', { method: 'GET', handler: () => ({ rules: [] }) })
registerEndpoint('/api/admin/escalation-rules', {
  method: 'POST',
  handler: async (event) => {
    posted.push(await readBody(event))
    return { rule: null }
  }
})
registerEndpoint('/api/admin/projects', () => ({ projects: [] }))

const Screen = defineComponent({ setup: () => () => h(UDashboardGroup, null, { default: () => h(AdminEscalationRulesPanel) }) })

describe('escalation rule form', () => {
  it('sends the body the shared schema makes of the form: defaults filled in, every project as null', async () => {
    const wrapper = await mountInApp(Screen)
    await vi.waitFor(() => expect(wrapper.find('[data-testid="admin-escalation-add"]').exists()).toBe(true))
    await wrapper.find('[data-testid="admin-escalation-form"]').trigger('submit')
    await vi.waitFor(() => expect(posted).toEqual([{ threshold: 3, windowDays: 30, action: 'mute', durationHours: 24, enabled: true, projectId: null }]))
    wrapper.unmount()
  })
})
