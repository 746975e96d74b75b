import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { Project } from '#shared/types'
import ChatLayout from '~/layouts/chat.vue'
import HomePage from '~/pages/index.vue'
import { ME, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const NEW_PROJECT = '00000000-0000-4000-8000-0000000000f1'
const GENERAL = conversation({ id: '00000000-0000-4000-8000-0000000000f2', projectId: NEW_PROJECT, title: 'general', myRole: 'owner' })

let projects: Project[] = []
registerEndpoint('/api/projects', {
  method: 'GET',
  handler: () => ({ projects })
})
registerEndpoint('/api/projects', {
  method: 'POST',
  handler: async (event) => {
    const { name } = await readBody<{ name: string }>(event)
    const project: Project = { id: NEW_PROJECT, name, myRole: 'owner' }
    projects = [project]
    return { project }
  }
})
registerEndpoint(`/api/projects/${NEW_PROJECT}/conversations`, { method: 'GET', handler: () => ({ conversations: [GENERAL] }) })
registerEndpoint(`/api/projects/${NEW_PROJECT}/members`, { method: 'GET', handler: () => ({ members: [] }) })
registerEndpoint('/api/invitations', () => ({ invitations: [] }))

const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)

describe('a new member with no project', () => {
  beforeEach(() => {
    projects = []
    inApp(() => useSession().signIn('token', ME))
  })
  afterEach(() => useAuthStore().signOut())

  it('is told so instead of "Loading…", can create a first project, and lands in its first conversation', async () => {
    const Home = defineComponent({ setup: () => () => h(ChatLayout, null, { default: () => h(HomePage) }) })
    const wrapper = await mountInApp(Home, {}, { route: '/' })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="first-run"]').exists()).toBe(true))

    expect(wrapper.find('[data-testid="project-switcher"]').text()).toContain('No project yet')
    expect(wrapper.find('[data-testid="project-switcher"]').text()).not.toContain('Loading')
    expect(wrapper.find('[data-testid="create-conversation"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid="start-dm"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid="first-run-waiting"]').exists()).toBe(true)

    await wrapper.find('[data-testid="first-run-create"]').trigger('click')
    await vi.waitFor(() => expect($('project-name')).not.toBeNull())
    const name = ($('project-name')!.tagName === 'INPUT' ? $('project-name') : $('project-name')!.querySelector('input')) as HTMLInputElement
    name.value = 'Book club'
    name.dispatchEvent(new Event('input'))
    $('project-create-submit')!.click()

    await vi.waitFor(() => expect(useRoute().path).toBe(`/c/${GENERAL.id}`))
    expect(useConversationsStore().currentProject?.name).toBe('Book club')
    wrapper.unmount()
  })
})
