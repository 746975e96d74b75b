import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { AutomodRule } from '#shared/automod-schemas'
import AdminAutomodRuleModal from '~~/layers/admin/components/admin/AutomodRuleModal.vue'
import { ME, PROJECT_ID, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const RULE: AutomodRule = {
  id: '00000000-0000-4000-8000-00000000a001',
  name: 'No tickets',
  kind: 'regex',
  pattern: 'ticket-\\d+',
  config: {},
  action: 'block',
  projectId: PROJECT_ID,
  projectName: 'Acme',
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: null
}

const patches: Record<string, unknown>[] = []
const dryRuns: Record<string, unknown>[] = []
registerEndpoint(`/api/admin/automod/rules/${RULE.id}`, {
  method: 'PATCH',
  handler: async (event) => {
    const body = await readBody<Partial<AutomodRule>>(event)
    patches.push(body)
    return { rule: { ...RULE, ...body } }
  }
})
registerEndpoint('/api/admin/automod/dry-run', {
  method: 'POST',
  handler: async (event) => {
    dryRuns.push(await readBody(event))
    return { matches: [{ message: message(3, { content: 'see ticket-42 please' }), outcome: 'block', matched: 'text: ticket-42' }] }
  }
})

const body = () => document.body
const find = <T extends Element = HTMLElement>(testid: string) => body().querySelector<T>(`[data-testid="${testid}"]`)
const settle = () => new Promise(r => setTimeout(r, 50))
const inputOf = (testid: string) => {
  const el = find<HTMLElement>(testid)!
  return (el.tagName === 'INPUT' ? el : el.querySelector('input')!) as HTMLInputElement
}
async function setInput(testid: string, value: string) {
  const input = inputOf(testid)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await nextTick()
}
const button = (testid: string) => find<HTMLButtonElement>(testid)!

describe('automod rule editor', () => {
  beforeEach(() => {
    patches.length = 0
    dryRuns.length = 0
    body().innerHTML = ''
    inApp(() => useSession().signIn('token', { ...ME, role: 'admin' }))
  })

  it('checks a regex as it is typed and will not save an invalid one', async () => {
    const wrapper = await mountInApp(AdminAutomodRuleModal, { open: true, rule: RULE, projects: [{ id: PROJECT_ID, name: 'Acme' }] })
    await settle()
    expect(inputOf('automod-pattern').value).toBe('ticket-\\d+')
    expect(body().textContent).toContain('Valid pattern')
    await setInput('automod-pattern', '(unclosed')
    expect(body().textContent).toMatch(/missing closing \)|missing argument|invalid/i)
    expect(button('automod-save').disabled).toBe(true)
    button('automod-save').click()
    await settle()
    expect(patches).toEqual([])
    wrapper.unmount()
  })

  it('shows what the rule would match before saving, then saves the edited rule', async () => {
    const wrapper = await mountInApp(AdminAutomodRuleModal, { open: true, rule: RULE, projects: [{ id: PROJECT_ID, name: 'Acme' }] })
    await settle()
    await setInput('automod-pattern', 'ticket-\\d{2}')
    button('automod-test').click()
    await settle()
    expect(dryRuns).toEqual([{ rule: expect.objectContaining({ kind: 'regex', pattern: 'ticket-\\d{2}', action: 'block', projectId: PROJECT_ID }), projectId: PROJECT_ID, limit: 200 }])
    expect(find('automod-test-results')?.textContent).toContain('1 of the recent messages would match')
    expect(find('automod-test-match')?.textContent).toContain('see ticket-42 please')
    expect(patches).toEqual([])

    await setInput('automod-name', 'No ticket numbers')
    button('automod-save').click()
    await settle()
    expect(patches).toEqual([{ name: 'No ticket numbers', kind: 'regex', action: 'block', config: {}, projectId: PROJECT_ID, enabled: true, pattern: 'ticket-\\d{2}' }])
    wrapper.unmount()
  })

  it('sends only the chosen kind\'s settings, with the mute length for a muting rule', async () => {
    const links: AutomodRule = { ...RULE, kind: 'links', pattern: null, action: 'mute', config: { denyDomains: ['pastebin.com'], words: ['stale'] } }
    const wrapper = await mountInApp(AdminAutomodRuleModal, { open: true, rule: links, projects: [] })
    await settle()
    expect(find('automod-deny-domains')).not.toBeNull()
    expect(body().textContent).toContain('pastebin.com')
    expect(find('automod-pattern')).toBeNull()
    button('automod-save').click()
    await settle()
    expect(patches).toEqual([expect.objectContaining({ kind: 'links', config: { denyDomains: ['pastebin.com'], muteMinutes: 10 } })])
    expect(patches[0]).not.toHaveProperty('pattern')
    wrapper.unmount()
  })
})
