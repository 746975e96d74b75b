import { beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import AdminRetentionRestoreSlideover from '~~/layers/admin/components/admin/RetentionRestoreSlideover.vue'
import type { RetentionDeletedMessage } from '#admin-shared/retention-schemas'
import { ME } from './fixtures'
import { inApp, mountInApp } from './mount'

const PROJECT = '00000000-0000-4000-8000-0000000000a8'
const day = 86_400_000
const deleted = (n: number): RetentionDeletedMessage => ({
  id: `00000000-0000-4000-8000-00000000d00${n}`, conversationId: '00000000-0000-4000-8000-0000000000c1', conversationTitle: 'general',
  senderName: `Sender ${n}`, excerpt: `old text ${n}`, createdAt: new Date(Date.now() - 90 * day).toISOString(),
  retentionDeletedAt: new Date(Date.now() - 2 * day).toISOString(), purgeAt: new Date(Date.now() + 28 * day).toISOString()
})
let rows: RetentionDeletedMessage[] = []
const restores: unknown[] = []
registerEndpoint(`/api/admin/projects/${PROJECT}/retention/deleted`, () => ({ messages: rows, total: rows.length }))
registerEndpoint(`/api/admin/projects/${PROJECT}/retention/restore`, {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<{ ids?: string[] }>(event)
    restores.push(body)
    const before = rows.length
    rows = body.ids ? rows.filter(r => !body.ids!.includes(r.id)) : []
    return { restored: before - rows.length }
  }
})

const all = (testid: string) => [...document.body.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)]
const one = (testid: string) => document.body.querySelector<HTMLButtonElement>(`[data-testid="${testid}"]`)!

describe('retention restore panel', () => {
  beforeEach(() => {
    rows = [deleted(1), deleted(2), deleted(3)]
    restores.length = 0
    document.body.innerHTML = ''
    inApp(() => useSession().signIn('token', { ...ME, role: 'admin' }))
  })

  it('lists what can still be restored, with when it is purged, and restores the selection', async () => {
    const wrapper = await mountInApp(AdminRetentionRestoreSlideover, { open: true, projectId: PROJECT, projectName: 'Demo' })
    await vi.waitFor(() => expect(all('admin-retention-deleted-row')).toHaveLength(3))
    expect(all('admin-retention-deleted-row').map(r => r.textContent)).toEqual([
      expect.stringContaining('old text 1'), expect.stringContaining('old text 2'), expect.stringContaining('old text 3')
    ])
    expect(all('admin-retention-deleted-row')[0]!.textContent).toContain('Purged in 28 days')
    expect(one('admin-retention-restore-selected').disabled).toBe(true)

    all('admin-retention-deleted-row')[1]!.querySelector<HTMLElement>('button[role="checkbox"]')!.click()
    await vi.waitFor(() => expect(one('admin-retention-restore-selected').textContent).toContain('Restore 1 selected'))
    one('admin-retention-restore-selected').click()
    // Waits for the list to change rather than a fixed time: the machine may be busy.
    await vi.waitFor(() => expect(all('admin-retention-deleted-row')).toHaveLength(2))
    expect(restores).toEqual([{ ids: [deleted(2).id] }])
    expect(document.body.textContent).toContain('Restored 1 message')

    // Without a range, everything still in the window comes back.
    one('admin-retention-restore-range').click()
    await vi.waitFor(() => expect(all('admin-retention-deleted-row')).toHaveLength(0))
    expect(restores.at(-1)).toEqual({})
    expect(document.body.textContent).toContain('Nothing to restore')
    wrapper.unmount()
  })
})
