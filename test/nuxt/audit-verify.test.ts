import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import AdminAuditVerify from '~~/layers/admin/components/admin/AuditVerify.vue'
import type { AuditVerifyResult } from '#admin-shared/audit-schemas'
import { ME } from './fixtures'
import { inApp, mountInApp } from './mount'

const BROKEN = '00000000-0000-4000-8000-0000000000b9'
let answer: AuditVerifyResult = { ok: true, checked: 1234, brokenAt: null, head: null }
registerEndpoint('/api/admin/audit/verify', () => answer)

const wait = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('audit integrity check', () => {
  beforeEach(() => {
    document.body.innerHTML = ''
    inApp(() => useSession().signIn('token', { ...ME, role: 'admin' }))
  })

  it('says the log is intact and how many entries were checked', async () => {
    answer = { ok: true, checked: 1234, brokenAt: null, head: { seq: 1234, hash: 'ab'.repeat(32) } }
    const wrapper = await mountInApp(AdminAuditVerify)
    expect(wrapper.find('[data-testid="admin-audit-verify-result"]').exists()).toBe(false)
    await wrapper.find('[data-testid="admin-audit-verify"]').trigger('click')
    await wait(100)
    const result = wrapper.find('[data-testid="admin-audit-verify-result"]').text()
    expect(result).toContain('The audit log is intact')
    expect(result).toContain('1,234 entries checked')
    expect(result).toContain(`Latest entry #1234, hash ${'ab'.repeat(8)}…`)
    wrapper.unmount()
  })

  it('names the broken entry and leads to it', async () => {
    answer = { ok: false, checked: 42, brokenAt: BROKEN, head: { seq: 41, hash: 'cd'.repeat(32) } }
    const wrapper = await mountInApp(AdminAuditVerify)
    await wrapper.find('[data-testid="admin-audit-verify"]').trigger('click')
    await wait(100)
    const text = wrapper.find('[data-testid="admin-audit-verify-result"]').text()
    expect(text).toContain('tampered with')
    expect(text).toContain(BROKEN)
    expect(text).toContain('after 41 intact entries')
    await wrapper.findAll('button').find(b => b.text().includes('Show the broken entry'))!.trigger('click')
    await wait(20)
    expect(wrapper.findComponent(AdminAuditVerify).emitted('show')).toEqual([[BROKEN]])
    wrapper.unmount()
  })
})
