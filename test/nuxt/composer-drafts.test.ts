import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { ScheduledMessage } from '#shared/scheduled-schemas'
import ChatComposer from '~/components/chat/Composer.vue'
import ChatScheduledList from '~/components/chat/ScheduledList.vue'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

type Wrapper = Awaited<ReturnType<typeof mountInApp>>
const field = (wrapper: Wrapper) => wrapper.find<HTMLTextAreaElement>('textarea[data-testid="composer-input"], [data-testid="composer-input"] textarea')
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

let serverDraft: string | null = null
let saves: string[] = []
let created: Record<string, unknown>[] = []

registerEndpoint(`/api/conversations/${CONVERSATION_ID}/draft`, {
  method: 'GET',
  handler: () => ({ draft: serverDraft === null ? null : { content: serverDraft, updatedAt: new Date().toISOString() } })
})
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/draft`, {
  method: 'PUT',
  handler: async (event) => {
    const { content } = await readBody<{ content: string }>(event)
    saves.push(content)
    serverDraft = content.trim() ? content : null
    return { draft: serverDraft === null ? null : { content: serverDraft, updatedAt: new Date().toISOString() } }
  }
})
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/scheduled`, {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<{ content: string, sendAt: string }>(event)
    created.push(body)
    return { scheduled: scheduled({ id: 's-new', content: body.content, sendAt: body.sendAt }) }
  }
})

function scheduled(overrides: Partial<ScheduledMessage> = {}): ScheduledMessage {
  return {
    id: 's-1', conversationId: CONVERSATION_ID, content: 'later', sendAt: new Date(Date.now() + 3600_000).toISOString(),
    status: 'pending', threadRootId: null, messageId: null, error: null, ...overrides
  }
}

describe('drafts', () => {
  beforeEach(() => {
    serverDraft = null
    saves = []
    inApp(() => useSession().signIn('token', ME))
  })
  afterEach(() => useAuthStore().signOut())

  it('restores the server\'s draft when the conversation opens', async () => {
    serverDraft = 'half a thought'
    await inApp(useDrafts).restore(CONVERSATION_ID)
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    expect(field(wrapper).element.value).toBe('half a thought')
  })

  it('restores into a composer that is already focused (it autofocuses), but not over typed text', async () => {
    serverDraft = 'from the server'
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    await field(wrapper).trigger('focus')
    await inApp(useDrafts).restore(CONVERSATION_ID)
    await nextTick()
    expect(field(wrapper).element.value).toBe('from the server')

    useDraftsStore().reset()
    await field(wrapper).setValue('mine')
    await inApp(useDrafts).restore(CONVERSATION_ID)
    await nextTick()
    expect(field(wrapper).element.value).toBe('mine')
  })

  it('saves once typing pauses, not on every keystroke, and clears the draft on send', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = field(wrapper)
    await input.setValue('h')
    await input.setValue('he')
    await input.setValue('hello')
    await wait(300)
    expect(saves).toEqual([])
    await wait(700)
    expect(saves).toEqual(['hello'])
    await input.trigger('keydown', { key: 'Enter' })
    await wait(50)
    expect(saves).toEqual(['hello', ''])
    expect(serverDraft).toBeNull()
  })

  it('sends without a draft request when nothing was ever saved', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const input = field(wrapper)
    await input.setValue('quick')
    await input.trigger('keydown', { key: 'Enter' })
    await wait(900)
    expect(saves).toEqual([])
  })

  it('takes a draft from another device unless the composer is focused or has unsaved text', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    const drafts = useDraftsStore()
    drafts.applyRemote(CONVERSATION_ID, 'from my phone')
    await nextTick()
    expect(field(wrapper).element.value).toBe('from my phone')

    await field(wrapper).trigger('focus')
    drafts.applyRemote(CONVERSATION_ID, 'ignored while focused')
    await nextTick()
    expect(field(wrapper).element.value).toBe('from my phone')
    await field(wrapper).trigger('blur')

    await field(wrapper).setValue('typing here')
    drafts.applyRemote(CONVERSATION_ID, 'ignored while unsaved')
    await nextTick()
    expect(field(wrapper).element.value).toBe('typing here')
  })
})

describe('quote replies and announcements', () => {
  beforeEach(() => inApp(() => useSession().signIn('token', ME)))
  afterEach(() => useAuthStore().signOut())

  it('shows the quoted message above the composer and sends with replyToId; the chip can be removed', async () => {
    const quoted = message(7, { content: 'first line\nsecond line' })
    useDraftsStore().setQuoting(CONVERSATION_ID, { id: quoted.id, seq: 7, senderName: 'Other', excerpt: 'first line', deleted: false })
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    expect(wrapper.find('[data-testid="quote-chip"]').text()).toContain('Replying to Other: first line')
    await field(wrapper).setValue('agreed')
    await field(wrapper).trigger('keydown', { key: 'Enter' })
    const sent = useMessagesStore().timelineOf(CONVERSATION_ID).messages[0]!
    expect([sent.replyToId, sent.replyTo?.senderName]).toEqual([quoted.id, 'Other'])
    expect(wrapper.find('[data-testid="quote-chip"]').exists()).toBe(false)

    useDraftsStore().setQuoting(CONVERSATION_ID, { id: quoted.id, seq: 7, senderName: 'Other', excerpt: 'first line', deleted: false })
    await nextTick()
    await wrapper.find('[data-testid="quote-remove"]').trigger('click')
    expect(wrapper.find('[data-testid="quote-chip"]').exists()).toBe(false)
  })

  it('replaces the composer with a note for members of an announcement conversation, not for its owners', async () => {
    const member = await mountInApp(ChatComposer, { conversation: conversation({ type: 'announcement', myRole: 'member' }) })
    expect(member.find('[data-testid="announcement-note"]').text()).toContain('Only owners and admins post here — you can reply in threads')
    expect(member.find('[data-testid="composer-input"]').exists()).toBe(false)
    const thread = await mountInApp(ChatComposer, { conversation: conversation({ type: 'announcement', myRole: 'member' }), threadRootId: message(1).id, testidPrefix: 'thread-composer' })
    expect(thread.find('[data-testid="thread-composer-input"]').exists()).toBe(true)
    const owner = await mountInApp(ChatComposer, { conversation: conversation({ type: 'announcement', myRole: 'owner' }) })
    expect(owner.find('[data-testid="announcement-note"]').exists()).toBe(false)
  })
})

describe('scheduled messages', () => {
  beforeEach(() => {
    created = []
    inApp(() => useSession().signIn('token', ME))
  })
  afterEach(() => useAuthStore().signOut())

  it('lists pending ones with edit and cancel, failed ones with their reason', async () => {
    const items = [scheduled(), scheduled({ id: 's-2', status: 'failed', error: 'the conversation is locked', content: 'too late' })]
    const wrapper = await mountInApp(ChatScheduledList, { items })
    expect(wrapper.find('[data-testid="scheduled-count"]').text()).toBe('2')
    await wrapper.find('[data-testid="scheduled-open"]').trigger('click')
    await wait(20)
    const rows = document.querySelectorAll<HTMLElement>('[data-testid="scheduled-item"]')
    expect([...rows].map(r => r.dataset.status)).toEqual(['pending', 'failed'])
    expect(rows[1]!.querySelector('[data-testid="scheduled-error"]')?.textContent).toContain('the conversation is locked')
    expect(rows[1]!.querySelector('[data-testid="scheduled-cancel"]')).toBeNull()
    expect(rows[0]!.querySelector('[data-testid="scheduled-cancel"]')).not.toBeNull()
  })

  it('schedules the typed text from a preset and shows it in the composer\'s list; scheduled:updated removes a sent one', async () => {
    const wrapper = await mountInApp(ChatComposer, { conversation: conversation() })
    await field(wrapper).setValue('see you tomorrow')
    await wrapper.find('[data-testid="composer-schedule"]').trigger('click')
    await wait(20)
    document.querySelector<HTMLElement>('[data-testid="schedule-preset-tomorrow"]')!.click()
    await wait(50)
    expect(created).toHaveLength(1)
    expect(created[0]).toMatchObject({ content: 'see you tomorrow' })
    expect(new Date(String(created[0]!.sendAt)).getHours()).toBe(9)
    expect(field(wrapper).element.value).toBe('')
    expect(wrapper.find('[data-testid="scheduled-count"]').text()).toBe('1')

    useScheduledStore().upsert(scheduled({ id: 's-new', status: 'sent', messageId: message(9).id }))
    await nextTick()
    expect(wrapper.find('[data-testid="scheduled-count"]').exists()).toBe(false)
  })
})
