// Scenario: an admin downloads a conversation export, then runs a project export and downloads it when it is
// done; a member downloads their own transcript from the conversation header menu.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import { USERS, assert, loginViaForm, newContext, newPage, nonce, openConversation, screenshot } from '../lib/helpers.mjs'

const ndjsonIds = text => text.trimEnd().split('\n').slice(1).map(l => JSON.parse(l).id)

/** Clicks `trigger` and returns the downloaded file's name and text (Playwright's download event). */
async function downloadOf(page, trigger) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), trigger.click()])
  const path = await download.path()
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') }
}

export async function adminExports(env) {
  const { rest, ids, tokens } = env
  // A message no other scenario writes, with a comma, quotes and a line break to survive the CSV.
  const marker = `export-${nonce()}, "quoted"\nsecond line`
  await rest.ok('POST', `/api/conversations/${ids.design}/messages`, { token: tokens.alice, body: { clientId: randomUUID(), content: marker } })

  const context = await newContext(env)
  const page = await newPage(context, 'admin-export')
  await loginViaForm(page, USERS.admin.email)

  // 1. One conversation, from its admin page: the default CSV.
  await page.goto(`/admin/conversations/${ids.design}`)
  await page.getByTestId('admin-export-menu').click()
  await page.getByTestId('admin-export-form').waitFor()
  await screenshot(page, 'export-conversation-menu')
  const csv = await downloadOf(page, page.getByTestId('admin-export-download'))
  assert(/^design-export-\d{4}-\d{2}-\d{2}\.csv$/.test(csv.name), `unexpected file name ${csv.name}`)
  const [header, ...rows] = parse(csv.text)
  assert(header[0] === 'conversation_id' && header.includes('content'), `CSV header: ${header.join(',')}`)
  const direct = await rest.call('GET', `/api/admin/conversations/${ids.design}/export?format=ndjson`, { token: tokens.admin })
  const expected = ndjsonIds(typeof direct.data === 'string' ? direct.data : '')
  const idColumn = header.indexOf('id')
  assert(rows.length === expected.length && rows.every((r, i) => r[idColumn] === expected[i]), `CSV rows (${rows.length}) differ from the messages (${expected.length})`)
  assert(rows.some(r => r[header.indexOf('content')] === marker), 'the new message is not in the CSV with its exact text')

  // 2. A project export from /admin/exports, reached through the nav.
  await page.keyboard.press('Escape')
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Exports' }).click()
  await page.waitForURL('**/admin/exports')
  await page.getByTestId('admin-exports-project').click()
  await page.getByRole('option', { name: 'Demo' }).click()
  await page.getByTestId('admin-exports-format').click()
  await page.getByRole('option', { name: /NDJSON/ }).click()
  await page.getByTestId('admin-exports-start').click()
  const row = page.getByTestId('admin-export-row').first()
  // The list polls while the job runs: the row turns done and offers the download without a reload.
  await row.locator('[data-status="done"]').waitFor({ timeout: 30_000 })
  const file = await downloadOf(page, row.getByTestId('admin-export-download-file'))
  assert(/^demo-export-\d{4}-\d{2}-\d{2}\.ndjson$/.test(file.name), `unexpected project file name ${file.name}`)
  const lines = file.text.trimEnd().split('\n').map(l => JSON.parse(l))
  assert(lines[0].export?.scope?.projectId === ids.projectId, `project export metadata: ${JSON.stringify(lines[0]).slice(0, 200)}`)
  assert(lines.some(m => m.content === marker), 'the new message is not in the project export')
  assert(new Set(lines.slice(1).map(m => m.conversationId)).size >= 3, 'the project export holds fewer than the seeded conversations')
  await screenshot(page, 'export-project-done')
  await context.close()

  // 3. A member's own copy, from the conversation header menu: the HTML transcript.
  const member = await newContext(env)
  const alice = await newPage(member, 'member-export')
  await loginViaForm(alice, USERS.alice.email)
  await openConversation(alice, ids.design)
  await alice.getByTestId('conversation-header-menu').click()
  await alice.getByRole('menuitem', { name: 'Export conversation…' }).click()
  await alice.getByRole('dialog', { name: 'Export conversation' }).waitFor()
  const html = await downloadOf(alice, alice.getByTestId('export-submit'))
  assert(/^design-export-\d{4}-\d{2}-\d{2}\.html$/.test(html.name), `unexpected member file name ${html.name}`)
  assert(html.text.startsWith('<!doctype html>') && !/<script/i.test(html.text), 'the transcript is not a script-free HTML document')
  assert(html.text.includes(escapeHtml(marker.split('\n')[0])), 'the member transcript lacks the new message, escaped')
  await member.close()
}

const escapeHtml = text => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
