import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import ChatSearchModal from '~/components/chat/SearchModal.vue'
import { CONVERSATION_ID, ME, OTHER, PROJECT_ID, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const suggestQueries: Record<string, unknown>[] = []
const searchQueries: Record<string, unknown>[] = []
const DESIGN = { id: '00000000-0000-4000-8000-0000000000d1', projectId: PROJECT_ID, title: 'design', type: 'group' }

registerEndpoint('/api/search/suggest', (event) => {
  suggestQueries.push(getQuery(event))
  return { people: [OTHER], conversations: [DESIGN] }
})
registerEndpoint('/api/search', (event) => {
  const query = getQuery(event)
  searchQueries.push(query)
  // "common": more matches than the server counts.
  const capped = query.q === 'common'
  return { results: [{ message: message(7, { content: 'other stuff' }), highlight: '<mark>other</mark> stuff' }], total: capped ? 1000 : 1, totalCapped: capped, nextCursor: null }
})

const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const $$ = (testid: string) => [...document.body.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)]
const wait = (ms: number) => new Promise(r => setTimeout(r, ms))

async function type(text: string) {
  const el = $('search-input')!
  const input = (el.tagName === 'INPUT' ? el : el.querySelector('input')!) as HTMLInputElement
  input.value = text
  input.dispatchEvent(new Event('input'))
  await wait(450) // past both debounces (suggest 200 ms, search 250 ms)
  return input
}

describe('search suggestions', () => {
  beforeEach(() => {
    suggestQueries.length = 0
    searchQueries.length = 0
    document.body.innerHTML = ''
    inApp(() => useSession().signIn('token', ME))
  })

  it('waits for two characters, then offers people and conversations above the messages', async () => {
    const wrapper = await mountInApp(ChatSearchModal, { open: true, projectId: PROJECT_ID })
    await type('o')
    expect(suggestQueries).toEqual([])
    expect($('search-suggestions')).toBeNull()

    await type('ot')
    expect(suggestQueries).toEqual([{ q: 'ot', projectId: PROJECT_ID }])
    expect($$('suggest-person').map(e => e.textContent)).toEqual([expect.stringContaining('Other')])
    expect($$('suggest-conversation').map(e => e.dataset.conversationId)).toEqual([DESIGN.id])
    expect($$('search-result')).toHaveLength(1)
    wrapper.unmount()
  })

  it('selecting a person asks for their DM; a conversation opens it; Enter picks the active one', async () => {
    const wrapper = await mountInApp(ChatSearchModal, { open: true, projectId: PROJECT_ID })
    const modal = wrapper.findComponent(ChatSearchModal)
    const input = await type('oth')
    $('suggest-person')!.click()
    $('suggest-conversation')!.click()
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }))
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }))
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    expect(modal.emitted('close')).toEqual([
      [{ kind: 'person', userId: OTHER.id }],
      [{ kind: 'conversation', conversationId: DESIGN.id }],
      [{ kind: 'message', hit: expect.objectContaining({ highlight: '<mark>other</mark> stuff' }) }]
    ])
    wrapper.unmount()
  })

  it('no suggestions for operator queries', async () => {
    const wrapper = await mountInApp(ChatSearchModal, { open: true, projectId: PROJECT_ID })
    await type('from:other')
    expect(suggestQueries).toEqual([])
    expect(searchQueries).toHaveLength(1)
    wrapper.unmount()
  })

  it('scoped to a conversation: searches only it, until the scope is cleared', async () => {
    const wrapper = await mountInApp(ChatSearchModal, { open: true, projectId: PROJECT_ID, conversation: conversation() })
    expect($('search-scope')?.textContent).toContain('#general')
    await type('other')
    expect(searchQueries.at(-1)).toMatchObject({ q: 'other', conversationId: CONVERSATION_ID })
    expect($('search-suggestions')).toBeNull()
    $('search-scope-clear')!.click()
    await wait(50)
    expect(searchQueries.at(-1)!.conversationId).toBeUndefined()
    expect($('search-scope')).toBeNull()
    wrapper.unmount()
  })

  it('counts results, and shows "1,000+" when the server stopped counting', async () => {
    const wrapper = await mountInApp(ChatSearchModal, { open: true, projectId: PROJECT_ID })
    await type('from:other')
    expect($('search-total')?.textContent?.trim()).toBe('1 result')
    await type('common')
    expect($('search-total')?.textContent?.trim()).toBe('1,000+ results')
    wrapper.unmount()
  })

  it('documents the operators in the help', async () => {
    const wrapper = await mountInApp(ChatSearchModal, { open: true, projectId: PROJECT_ID })
    await wait(20)
    for (const op of ['has:image', 'has:link', 'is:pinned', 'is:thread', 'from:', 'in:']) expect(document.body.textContent).toContain(op)
    wrapper.unmount()
  })
})
