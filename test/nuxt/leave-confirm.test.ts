import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { setResponseStatus } from 'h3'
import ChatConfirmActionModal from '~/components/ConfirmModal.vue'
import ChatConversationItem from '~/components/chat/ConversationItem.vue'
import { ME, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const GROUP = conversation({ id: '00000000-0000-4000-8000-0000000000e1', type: 'group', title: 'team' })
let leaveCalls = 0
registerEndpoint(`/api/conversations/${GROUP.id}/participants/me`, {
  method: 'DELETE',
  handler: () => {
    leaveCalls++
    return { ok: true }
  }
})
registerEndpoint(`/api/projects/${PROJECT_ID}/members/me`, {
  method: 'DELETE',
  // The contract's error envelope, as the server answers it.
  handler: (event) => {
    setResponseStatus(event, 409)
    return { error: { code: 'CONFLICT', message: 'you are the project\'s only owner: make someone else an owner first' } }
  }
})

const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const wait = (ms: number) => new Promise(r => setTimeout(r, ms))

async function menuLabels(c: ReturnType<typeof conversation>) {
  const wrapper = await mountInApp(ChatConversationItem, { conversation: c })
  const trigger = wrapper.find('[data-testid="conversation-menu"]')
  // Opened from the keyboard, as Reka's trigger allows (Enter).
  await trigger.trigger('keydown', { key: 'Enter' })
  await wait(50)
  const labels = [...document.body.querySelectorAll('[role="menuitem"]')].map(e => e.textContent?.trim())
  wrapper.unmount()
  document.body.innerHTML = ''
  return labels
}

describe('leave', () => {
  beforeEach(() => {
    leaveCalls = 0
    document.body.innerHTML = ''
    inApp(() => {
      useSession().signIn('token', ME)
      const store = useConversationsStore()
      store.setProjects([{ id: PROJECT_ID, name: 'Demo', myRole: 'owner' }])
      store.selectProject(PROJECT_ID)
      store.setConversations(PROJECT_ID, [GROUP])
    })
  })

  it('offers "Leave conversation" for groups, not for DMs or project-wide conversations', async () => {
    expect(await menuLabels(GROUP)).toContain('Leave conversation')
    expect(await menuLabels(conversation({ type: 'direct', title: 'Other' }))).not.toContain('Leave conversation')
    expect(await menuLabels(conversation({ type: 'project' }))).not.toContain('Leave conversation')
    expect(await menuLabels(GROUP)).toEqual(expect.arrayContaining(['Search in this conversation', 'Files']))
  })

  it('leaves only after confirming, then drops the conversation from the sidebar', async () => {
    const leave = () => inApp(() => useConversations()).leave(GROUP.id)
    const wrapper = await mountInApp(ChatConfirmActionModal, { open: true, title: 'Leave #team?', description: 'd', confirmLabel: 'Leave conversation', action: leave })
    await wait(20)
    expect(leaveCalls).toBe(0)
    $('confirm-action')!.click()
    await wait(100)
    expect(leaveCalls).toBe(1)
    expect(wrapper.findComponent(ChatConfirmActionModal).emitted('close')).toEqual([[true]])
    expect(inApp(() => useConversationsStore().conversations[GROUP.id])).toBeUndefined()
    wrapper.unmount()
  })

  it('cancel leaves nothing', async () => {
    const wrapper = await mountInApp(ChatConfirmActionModal, { open: true, title: 't', description: 'd', confirmLabel: 'Leave', action: async () => { leaveCalls++ } })
    await wait(20)
    $('confirm-cancel')!.click()
    await wait(20)
    expect(leaveCalls).toBe(0)
    expect(wrapper.findComponent(ChatConfirmActionModal).emitted('close')).toEqual([[false]])
    wrapper.unmount()
  })

  it('shows the server\'s 409 "only owner" message and stays open', async () => {
    const leave = () => inApp(() => useProjects()).leave(PROJECT_ID)
    const wrapper = await mountInApp(ChatConfirmActionModal, { open: true, title: 'Leave Demo?', description: 'd', confirmLabel: 'Leave project', action: leave })
    await wait(20)
    $('confirm-action')!.click()
    await wait(100)
    expect($('confirm-error')?.textContent).toContain('you are the project\'s only owner')
    expect(wrapper.findComponent(ChatConfirmActionModal).emitted('close')).toBeUndefined()
    expect(inApp(() => useConversationsStore().projects.map(p => p.id))).toEqual([PROJECT_ID])
    wrapper.unmount()
  })
})
