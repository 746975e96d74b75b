import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import ChatAddMembersModal from '~/components/chat/AddMembersModal.vue'
import ChatCreateProjectModal from '~/components/chat/CreateProjectModal.vue'
import { ME, PROJECT_ID } from './fixtures'
import { inApp, mountInApp } from './mount'

// The member modals check their fields with the shared zod schemas through <UForm :schema>: what the
// server would refuse is named under the field, and nothing is sent.
const posted: { path: string, body: unknown }[] = []
registerEndpoint('/api/projects', {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<{ name: string }>(event)
    posted.push({ path: '/api/projects', body })
    return { project: { id: PROJECT_ID, name: body.name, myRole: 'owner', unreadCount: 0, mentionCount: 0 } }
  }
})
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, {
  method: 'POST',
  handler: async (event) => {
    posted.push({ path: 'members', body: await readBody(event) })
    return { member: null }
  }
})
registerEndpoint(`/api/projects/${PROJECT_ID}/invitations`, () => ({ invitations: [] }))
// Creating a project opens it.
registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, { method: 'GET', handler: () => ({ conversations: [] }) })
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, { method: 'GET', handler: () => ({ members: [] }) })

const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const inputOf = (testid: string) => ($(testid)!.tagName === 'INPUT' ? $(testid) : $(testid)!.querySelector('input')) as HTMLInputElement

async function type(testid: string, value: string) {
  const input = inputOf(testid)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await nextTick()
}

describe('member forms validate with the shared schemas', () => {
  beforeEach(() => {
    posted.length = 0
    document.body.innerHTML = ''
    inApp(() => useSession().signIn('token', ME))
  })
  afterEach(() => inApp(() => useAuthStore().signOut()))

  it('a blank project name is named under the field and nothing is created', async () => {
    const wrapper = await mountInApp(ChatCreateProjectModal, { open: true })
    await vi.waitFor(() => expect($('project-name')).not.toBeNull())
    await type('project-name', '   ')
    $('project-create-submit')!.click()
    await vi.waitFor(() => expect(document.body.textContent).toContain('Give the project a name'))
    expect(posted).toEqual([])

    // Fixed, the same form sends the trimmed name.
    await type('project-name', '  Book club ')
    $('project-create-submit')!.click()
    await vi.waitFor(() => expect(posted).toEqual([{ path: '/api/projects', body: { name: 'Book club' } }]))
    wrapper.unmount()
  })

  it('an address that is not one is refused before any request', async () => {
    const wrapper = await mountInApp(ChatAddMembersModal, { open: true, projectId: PROJECT_ID, projectName: 'Demo', canAddOwners: false })
    await vi.waitFor(() => expect($('member-email')).not.toBeNull())
    $('member-add-submit')!.click()
    await vi.waitFor(() => expect(document.body.textContent).toContain('Enter an e-mail address'))
    await type('member-email', 'vera-at-example')
    $('member-add-submit')!.click()
    await vi.waitFor(() => expect(document.body.textContent).toContain('Enter a valid e-mail address'))
    expect(posted).toEqual([])
    wrapper.unmount()
  })
})
