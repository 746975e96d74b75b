import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { AddedMember, Invitation } from '#shared/invitation-schemas'
import ChatAddMembersModal from '~/components/chat/AddMembersModal.vue'
import ChatAddPeopleModal from '~/components/chat/AddPeopleModal.vue'
import ChatConversationMenu from '~/components/chat/ConversationMenu.vue'
import ChatConversationSettingsModal from '~/components/chat/ConversationSettingsModal.vue'
import ChatInvitationList from '~/components/chat/InvitationList.vue'
import { ME, OTHER, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const INVITED_PROJECT = '00000000-0000-4000-8000-0000000000a2'
const GROUP = conversation({ id: '00000000-0000-4000-8000-0000000000e2', type: 'group', title: 'team' })
const VERA = { id: '00000000-0000-4000-8000-000000000003', displayName: 'Vera', avatarUrl: null }

function invitation(overrides: Partial<Invitation> = {}): Invitation {
  return {
    id: '00000000-0000-4000-8000-0000000000d1',
    project: { id: INVITED_PROJECT, name: 'Book club' },
    inviter: { ...OTHER, displayName: 'Ines', avatarUrl: '/api/users/ines/avatar?v=1' },
    invitee: { id: ME.id, displayName: ME.displayName, avatarUrl: null },
    role: 'member',
    status: 'pending',
    createdAt: new Date().toISOString(),
    respondedAt: null,
    ...overrides
  }
}

const calls: string[] = []
const added: unknown[] = []
registerEndpoint(`/api/invitations/${invitation().id}/accept`, {
  method: 'POST',
  handler: () => {
    calls.push('accept')
    return { invitation: invitation({ status: 'accepted' }), project: { id: INVITED_PROJECT, name: 'Book club', myRole: 'member' } }
  }
})
registerEndpoint(`/api/invitations/${invitation().id}/decline`, {
  method: 'POST',
  handler: () => {
    calls.push('decline')
    return { invitation: invitation({ status: 'declined' }) }
  }
})
registerEndpoint(`/api/projects/${INVITED_PROJECT}/conversations`, { method: 'GET', handler: () => ({ conversations: [conversation({ id: '00000000-0000-4000-8000-0000000000c9', projectId: INVITED_PROJECT })] }) })
registerEndpoint(`/api/projects/${INVITED_PROJECT}/members`, { method: 'GET', handler: () => ({ members: [] }) })
registerEndpoint(`/api/projects/${PROJECT_ID}/invitations`, { method: 'GET', handler: () => ({ invitations: [] }) })
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, {
  method: 'POST',
  handler: async (event) => {
    const { email } = await readBody<{ email: string }>(event)
    const sent = invitation({ project: { id: PROJECT_ID, name: 'Demo' }, inviter: { id: ME.id, displayName: ME.displayName, avatarUrl: null }, invitee: VERA })
    const member: AddedMember = { ...VERA, userId: VERA.id, email, role: 'member', presence: 'offline', status: 'invited', invitation: sent }
    return { member }
  }
})
registerEndpoint(`/api/conversations/${GROUP.id}/participants`, {
  method: 'POST',
  handler: async (event) => {
    added.push(await readBody(event))
    return { conversation: GROUP, participants: [] }
  }
})

const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const $$ = (testid: string) => [...document.body.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)]
const wait = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Delivers a server event to the listeners the socket plugin registered. */
function serverSends(event: string, payload: unknown) {
  const socket = useSocket() as unknown as { listeners: (event: string) => ((payload: unknown) => void)[] }
  for (const listener of socket.listeners(event)) listener(payload)
}

beforeEach(() => {
  calls.length = 0
  added.length = 0
  document.body.innerHTML = ''
  inApp(() => useSession().signIn('token', ME))
})

describe('the invitee', () => {
  it('sees a new invitation live (who invites them, to what) and accepts it: the project opens and the invitation goes', async () => {
    const wrapper = await mountInApp(ChatInvitationList)
    const $w = (testid: string) => wrapper.find(`[data-testid="${testid}"]`)
    expect($w('invitations').exists()).toBe(false)
    serverSends('invitation:new', { invitation: invitation() })
    await nextTick()
    expect($w('invitation-inviter').text()).toBe('Ines')
    expect($w('invitation-project').text()).toBe('Book club')
    expect($w('invitation').find('img').attributes('src')).toBe('/api/users/ines/avatar?v=1')

    await $w('invitation-accept').trigger('click')
    await wait(50)
    expect(calls).toEqual(['accept'])
    expect($w('invitations').exists()).toBe(false)
    const store = useConversationsStore()
    expect(store.projects.map(p => p.id)).toContain(INVITED_PROJECT)
    expect(store.currentProjectId).toBe(INVITED_PROJECT)
    wrapper.unmount()
  })

  it('declines; an invitation revoked elsewhere disappears live', async () => {
    useInvitationsStore().setMine([invitation(), invitation({ id: '00000000-0000-4000-8000-0000000000d2', project: { id: PROJECT_ID, name: 'Other' } })])
    const wrapper = await mountInApp(ChatInvitationList)
    const all = (testid: string) => wrapper.findAll(`[data-testid="${testid}"]`)
    expect(all('invitation')).toHaveLength(2)
    await all('invitation-decline')[0]!.trigger('click')
    await wait(50)
    expect(calls).toEqual(['decline'])
    expect(all('invitation')).toHaveLength(1)
    serverSends('invitation:updated', { invitation: invitation({ id: '00000000-0000-4000-8000-0000000000d2', status: 'revoked' }) })
    await nextTick()
    expect(all('invitations')).toHaveLength(0)
    expect(useConversationsStore().projects).toEqual([])
    wrapper.unmount()
  })
})

describe('the inviter', () => {
  it('reads "Invitation sent to …" when the person shares no project with them', async () => {
    const wrapper = await mountInApp(ChatAddMembersModal, { open: true, projectId: PROJECT_ID, projectName: 'Demo', canAddOwners: true })
    await wait(20)
    const input = document.body.querySelector<HTMLInputElement>('[data-testid="member-email"] input, input[data-testid="member-email"]')!
    input.value = 'vera@example.com'
    input.dispatchEvent(new Event('input'))
    $('member-add-submit')!.click()
    await wait(50)
    expect($('member-added')?.textContent).toContain('Invitation sent to Vera')
    expect($('member-added')?.dataset.status).toBe('invited')
    expect($$('pending-invitation').map(e => e.textContent)).toEqual([expect.stringContaining('Vera')])
    expect(useConversationsStore().members[PROJECT_ID] ?? []).toEqual([])
    wrapper.unmount()
  })
})

describe('adding people to a conversation', () => {
  async function menuLabels(c: typeof GROUP) {
    const wrapper = await mountInApp(ChatConversationMenu, { conversation: c })
    await wrapper.find('[data-testid="conversation-header-menu"]').trigger('keydown', { key: 'Enter' })
    await wait(50)
    const labels = [...document.body.querySelectorAll('[role="menuitem"]')].map(e => e.textContent?.trim())
    wrapper.unmount()
    document.body.innerHTML = ''
    return labels
  }

  it('"Add people…" is offered in groups while members may add, always to owners, never in DMs or project rooms', async () => {
    expect(await menuLabels(GROUP)).toContain('Add people…')
    const closed = { ...GROUP, settings: { slowModeSeconds: 0, membersCanAdd: false } }
    expect(await menuLabels(closed)).not.toContain('Add people…')
    expect(await menuLabels({ ...closed, myRole: 'owner' })).toContain('Add people…')
    expect(await menuLabels(conversation({ type: 'direct', title: 'Other' }))).not.toContain('Add people…')
    expect(await menuLabels(conversation({ type: 'project' }))).not.toContain('Add people…')
  })

  it('the picker offers project members not in the conversation and posts the chosen ones', async () => {
    const store = useConversationsStore()
    store.setMembers(PROJECT_ID, [
      { id: OTHER.id, userId: OTHER.id, displayName: 'Other', avatarUrl: null, email: 'other@example.com', role: 'member', presence: 'offline' },
      { id: VERA.id, userId: VERA.id, displayName: 'Vera', avatarUrl: null, email: 'vera@example.com', role: 'member', presence: 'offline' }
    ])
    store.setParticipants(GROUP.id, [{ id: OTHER.id, userId: OTHER.id, displayName: 'Other', avatarUrl: null, email: 'other@example.com', role: 'member', lastReadSeq: 0, joinedAt: new Date().toISOString() }])
    const wrapper = await mountInApp(ChatAddPeopleModal, { open: true, conversation: GROUP })
    await wait(20)
    $('add-people-picker')!.click()
    await wait(50)
    const options = [...document.body.querySelectorAll('[role="option"]')].map(e => e.textContent?.trim() ?? '')
    expect(options).toEqual([expect.stringContaining('Vera')])
    ;(document.body.querySelector('[role="option"]') as HTMLElement).click()
    await wait(20)
    $('add-people-submit')!.click()
    await wait(50)
    expect(added).toEqual([{ userIds: [VERA.id] }])
    wrapper.unmount()
  })

  it('the settings modal switches "Members can add people"', async () => {
    let patched: unknown = null
    registerEndpoint(`/api/conversations/${GROUP.id}`, {
      method: 'PATCH',
      handler: async (event) => {
        patched = await readBody(event)
        return { conversation: { ...GROUP, myRole: 'owner', settings: { slowModeSeconds: 0, membersCanAdd: false } } }
      }
    })
    const wrapper = await mountInApp(ChatConversationSettingsModal, { open: true, conversation: { ...GROUP, myRole: 'owner' } })
    await wait(20)
    const toggle = document.body.querySelector<HTMLElement>('[data-testid="settings-members-can-add"] button, button[data-testid="settings-members-can-add"]')!
    expect(toggle.getAttribute('aria-checked')).toBe('true')
    toggle.click()
    await wait(20)
    $('settings-save')!.click()
    await wait(50)
    expect(patched).toEqual({ settings: { membersCanAdd: false } })
    wrapper.unmount()
  })
})
