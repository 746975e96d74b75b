import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody, setResponseStatus } from 'h3'
import AdminRetentionEditorModal from '~~/layers/admin/components/admin/RetentionEditorModal.vue'
import type { RetentionPolicy } from '#admin-shared/retention-schemas'
import { ME } from './fixtures'
import { inApp, mountInApp } from './mount'

const PROJECT = '00000000-0000-4000-8000-0000000000a7'
const previews: unknown[] = []
const saves: unknown[] = []

// The preview counts as the server would: more days, fewer messages; pinned kept, fewer again.
registerEndpoint(`/api/admin/projects/${PROJECT}/retention/preview`, {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<{ days: number | null, keepPinned: boolean }>(event)
    previews.push(body)
    if (body.days === null) return { messages: 0, files: 0 }
    return { messages: Math.round(120_400 / body.days) - (body.keepPinned ? 4 : 0), files: body.keepPinned ? 37 : 40 }
  }
})
registerEndpoint(`/api/admin/projects/${PROJECT}/retention`, {
  method: 'PUT',
  handler: async (event) => {
    const body = await readBody<{ days: number | null, keepPinned: boolean }>(event)
    saves.push(body)
    if (body.days === 13) {
      setResponseStatus(event, 400)
      return { error: { code: 'VALIDATION', message: 'days is unlucky' } }
    }
    return { policy: { projectId: PROJECT, ...body, updatedAt: new Date().toISOString(), updatedBy: ME.id } }
  }
})

const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const wait = (ms: number) => new Promise(r => setTimeout(r, ms))
const forever: RetentionPolicy = { projectId: PROJECT, days: null, keepPinned: true, updatedAt: null, updatedBy: null }

async function setDays(value: string) {
  const input = $('admin-retention-days')!.querySelector('input') ?? $('admin-retention-days') as HTMLInputElement
  ;(input as HTMLInputElement).value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  input.dispatchEvent(new Event('change', { bubbles: true }))
  input.dispatchEvent(new FocusEvent('blur', { bubbles: true }))
  await wait(400)
}

describe('retention editor', () => {
  beforeEach(() => {
    previews.length = 0
    saves.length = 0
    document.body.innerHTML = ''
    inApp(() => useSession().signIn('token', { ...ME, role: 'admin' }))
  })

  it('shows the live preview of the policy being edited before saving it', async () => {
    const wrapper = await mountInApp(AdminRetentionEditorModal, { open: true, projectId: PROJECT, projectName: 'Demo', policy: { ...forever, days: 100 } })
    await wait(400)
    expect($('admin-retention-preview')?.textContent).toContain('Would delete 1,200 messages and 37 files')
    expect(previews.at(-1)).toEqual({ days: 100, keepPinned: true })

    await setDays('10')
    expect(previews.at(-1)).toEqual({ days: 10, keepPinned: true })
    expect($('admin-retention-preview')?.textContent).toContain('Would delete 12,036 messages and 37 files')
    expect(saves).toEqual([])

    $('admin-retention-keep-pinned')!.click()
    await wait(400)
    expect(previews.at(-1)).toEqual({ days: 10, keepPinned: false })
    expect($('admin-retention-preview')?.textContent).toContain('Would delete 12,040 messages and 40 files')

    $('admin-retention-save')!.click()
    await wait(100)
    expect(saves).toEqual([{ days: 10, keepPinned: false }])
    const closed = wrapper.findComponent(AdminRetentionEditorModal).emitted('close') as [RetentionPolicy][]
    expect(closed[0]![0]).toMatchObject({ projectId: PROJECT, days: 10, keepPinned: false })
    wrapper.unmount()
  })

  it('shows the server\'s refusal and stays open', async () => {
    const wrapper = await mountInApp(AdminRetentionEditorModal, { open: true, projectId: PROJECT, projectName: 'Demo', policy: { ...forever, days: 13 } })
    await wait(400)
    $('admin-retention-save')!.click()
    await wait(100)
    expect(document.body.textContent).toContain('days is unlucky')
    expect(wrapper.findComponent(AdminRetentionEditorModal).emitted('close')).toBeUndefined()
    wrapper.unmount()
  })

  it('keeps forever without a preview to show', async () => {
    const wrapper = await mountInApp(AdminRetentionEditorModal, { open: true, projectId: PROJECT, projectName: 'Demo', policy: forever })
    await wait(400)
    expect($('admin-retention-preview')).toBeNull()
    $('admin-retention-save')!.click()
    await wait(100)
    expect(saves).toEqual([{ days: null, keepPinned: true }])
    wrapper.unmount()
  })
})
