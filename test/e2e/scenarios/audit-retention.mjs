// Scenario: an admin sets a project's retention with its live preview, then finds the change in
// the audit log, checks the log's integrity and downloads it as CSV.
import { readFile } from 'node:fs/promises'
import { assert, loginViaForm, newContext, newPage, nonce, poll, screenshot, USERS } from '../lib/helpers.mjs'

export async function auditAndRetention(env) {
  const { rest, tokens } = env
  const name = `e2e-retention-${nonce()}`
  const { project } = await rest.ok('POST', '/api/projects', { token: tokens.alice, body: { name } })

  const context = await newContext(env)
  const page = await newPage(context, 'admin-retention')
  await loginViaForm(page, USERS.admin.email)
  await page.goto('/admin/conversations')
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Projects' }).click()
  await page.waitForURL('**/admin/projects')
  const row = page.getByTestId('admin-project-row').filter({ hasText: name })
  await row.waitFor()
  assert((await row.getByTestId('admin-project-policy').innerText()).includes('Keep forever'), 'a new project does not keep forever')

  // Edit: delete after 30 days; the preview answers before anything is saved.
  await row.getByTestId('admin-project-edit-retention').click()
  const dialog = page.getByRole('dialog')
  await dialog.getByText('Delete after a number of days').click()
  const days = dialog.getByTestId('admin-retention-days').locator('input').or(dialog.locator('input[aria-label="Days to keep"]')).first()
  await days.fill('30')
  await days.press('Tab')
  await poll(async () => (await dialog.getByTestId('admin-retention-preview').innerText()).includes('would delete nothing'),
    { message: 'the live preview shows what the policy would delete' })
  let policy = (await rest.ok('GET', `/api/admin/projects/${project.id}/retention`, { token: tokens.admin })).policy
  assert(policy.days === null, 'the policy was saved before pressing Save')
  await screenshot(page, 'retention-editor')
  await dialog.getByTestId('admin-retention-save').click()
  await page.getByText('Retention policy saved', { exact: true }).first().waitFor()
  await poll(async () => (await row.getByTestId('admin-project-policy').innerText()).includes('Delete after 30 days'),
    { message: 'the projects list shows the new policy' })
  policy = (await rest.ok('GET', `/api/admin/projects/${project.id}/retention`, { token: tokens.admin })).policy
  assert(policy.days === 30 && policy.keepPinned === true, `stored policy is ${JSON.stringify(policy)}`)

  // The audit log shows the change with its before/after, filtered by action prefix.
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Audit log' }).click()
  await page.waitForURL('**/admin/audit')
  await page.getByTestId('admin-audit-filter-action').locator('input').or(page.locator('input[aria-label="Action"]')).first().fill('retention.')
  const entry = page.getByTestId('admin-audit-row').filter({ hasText: project.id })
  await entry.first().waitFor()
  const text = await entry.first().innerText()
  assert(text.includes('Changed retention') && text.includes('days') && text.includes('30'), `the audit row lacks the change: ${text}`)

  await page.getByTestId('admin-audit-verify').click()
  await page.getByTestId('admin-audit-verify-result').filter({ hasText: 'The audit log is intact' }).waitFor()
  await screenshot(page, 'audit-log-verified')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('admin-audit-export').click().then(() => page.getByRole('menuitem', { name: 'CSV' }).click())
  ])
  assert(/^audit-.*\.csv$/.test(download.suggestedFilename()), `download is named ${download.suggestedFilename()}`)
  const csv = await readFile(await download.path(), 'utf8')
  assert(csv.startsWith('seq,id,createdAt,'), `the CSV starts with ${csv.slice(0, 40)}`)
  assert(csv.includes(project.id) && csv.includes('retention.update'), 'the CSV lacks the filtered entry')
  const exported = await rest.ok('GET', '/api/admin/audit?action=audit.export&limit=1', { token: tokens.admin })
  assert(exported.entries[0]?.details?.filters?.action === 'retention.', 'the export is not in the audit log with its filters')
  await context.close()
}
