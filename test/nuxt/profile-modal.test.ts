import { beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { User } from '#shared/types'
import ChatProfileModal from '~/components/chat/ProfileModal.vue'
import { ME, OTHER, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const patches: Record<string, unknown>[] = []
registerEndpoint('/api/me', {
  method: 'PATCH',
  handler: async (event) => {
    const body = await readBody<Partial<User>>(event)
    patches.push(body)
    return { user: { ...ME, ...body } }
  }
})

const body = () => document.body
const find = <T extends Element = HTMLElement>(testid: string) => body().querySelector<T>(`[data-testid="${testid}"]`)
const settle = () => new Promise(r => setTimeout(r, 50))

async function setInput(testid: string, value: string) {
  const el = find<HTMLInputElement>(testid)!
  const input = el.tagName === 'INPUT' ? el as HTMLInputElement : el.querySelector('input')!
  input.value = value
  input.dispatchEvent(new Event('input'))
  await nextTick()
}

describe('profile modal', () => {
  beforeEach(() => {
    patches.length = 0
    body().innerHTML = ''
    inApp(() => {
      useSession().signIn('token', ME)
      const store = useConversationsStore()
      store.setMembers(PROJECT_ID, [{ id: ME.id, userId: ME.id, displayName: 'Me', avatarUrl: null, email: ME.email, role: 'member', presence: 'online' }])
    })
  })

  it('renames the member: PATCH /api/me, and the auth store and member list follow', async () => {
    const wrapper = await mountInApp(ChatProfileModal, { open: true })
    await settle()
    expect(find<HTMLInputElement>('profile-name')?.value ?? find('profile-name')?.querySelector('input')?.value).toBe('Me')
    await setInput('profile-name', '  Renamed  ')
    find('profile-save')!.click()
    // The form checks itself with the shared schema before it sends: wait for the request, not a fixed time.
    await vi.waitFor(() => expect(patches).toEqual([{ displayName: 'Renamed' }]))
    await settle()
    expect(inApp(() => useAuthStore().user?.displayName)).toBe('Renamed')
    expect(inApp(() => useConversationsStore().members[PROJECT_ID]?.[0]?.displayName)).toBe('Renamed')
    wrapper.unmount()
  })

  it('refuses an empty name without calling the server', async () => {
    const wrapper = await mountInApp(ChatProfileModal, { open: true })
    await settle()
    await setInput('profile-name', '   ')
    find('profile-save')!.click()
    await settle()
    expect(patches).toEqual([])
    expect(body().textContent).toContain('Your display name cannot be empty')
    wrapper.unmount()
  })

  it('turns read receipts off', async () => {
    const wrapper = await mountInApp(ChatProfileModal, { open: true })
    await settle()
    const toggle = find('profile-read-receipts')!
    const button = toggle.tagName === 'BUTTON' ? toggle : toggle.querySelector('button')!
    button.click()
    await nextTick()
    find('profile-save')!.click()
    await vi.waitFor(() => expect(patches).toEqual([{ readReceipts: false }]))
    await settle()
    expect(inApp(() => useAuthStore().user?.readReceipts)).toBe(false)
    wrapper.unmount()
  })

  it('says which files an avatar can be, before uploading anything', async () => {
    const wrapper = await mountInApp(ChatProfileModal, { open: true })
    await settle()
    const input = find<HTMLInputElement>('profile-avatar-input')!
    Object.defineProperty(input, 'files', { value: [new File(['x'], 'notes.txt', { type: 'text/plain' })], configurable: true })
    input.dispatchEvent(new Event('change'))
    await settle()
    expect(find('profile-avatar-error')?.textContent).toContain('Choose an image')
    wrapper.unmount()
  })

  it('a user:updated rename reaches the DM title, its peer and the sidebar preview', () => {
    const store = inApp(() => useConversationsStore())
    const dm = conversation({ id: '00000000-0000-4000-8000-0000000000f1', type: 'direct', title: 'Other', peer: OTHER, lastMessage: { senderId: OTHER.id, senderName: 'Other', content: 'hi', createdAt: new Date().toISOString() } })
    store.setConversations(PROJECT_ID, [dm])
    store.applyUser({ ...OTHER, displayName: 'Renamed other' })
    const after = store.conversations[dm.id]!
    expect([after.title, after.peer?.displayName, after.lastMessage?.senderName]).toEqual(['Renamed other', 'Renamed other', 'Renamed other'])
  })
})
