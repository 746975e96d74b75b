// Scenario 9: a member reports a message; an admin handles it from the reports queue end to end.
import { USERS, assert, loginViaForm, messagesWithText, newContext, newPage, nonce, poll, sendAndConfirm, screenshot } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

export async function moderationQueue(env) {
  const { alice, bob } = await ensurePair(env)
  // Bob posts something Alice reports.
  const text = `Cheap watches at example.test ${nonce()}`
  const messageId = await sendAndConfirm(bob, text)
  const onAlice = alice.locator(`[data-testid="message-item"][data-message-id="${messageId}"]`)
  await onAlice.waitFor({ timeout: 10_000 })
  await onAlice.hover()
  await onAlice.getByTestId('message-more').click()
  await alice.getByTestId('message-report').click()
  const modal = alice.getByRole('dialog').filter({ hasText: 'Report message' })
  await modal.getByText('Spam', { exact: true }).click()
  await modal.getByTestId('report-description').fill('advertising')
  await modal.getByTestId('report-submit').click()
  await modal.waitFor({ state: 'detached' })

  // The admin opens the queue from the nav (its badge counts what waits) and sees the report.
  const context = await newContext(env)
  const admin = await newPage(context, 'admin-moderation')
  await loginViaForm(admin, USERS.admin.email)
  await admin.goto('/admin/reports')
  const nav = admin.getByTestId('admin-nav').getByRole('link', { name: /Reports/ })
  await nav.waitFor()
  const row = admin.getByTestId('admin-report-row').filter({ hasText: text })
  await row.waitFor({ timeout: 10_000 })
  await screenshot(admin, 'moderation-queue')
  await row.getByTestId('admin-report-open').click()

  // The detail shows the message in its context and the sender's record.
  const detail = admin.getByTestId('report-detail')
  await detail.waitFor()
  await poll(async () => (await detail.getByTestId('report-context-target').innerText()).includes(text), { message: 'the reported message is highlighted in its context' })
  assert((await detail.getByTestId('report-sender-record').innerText()).includes(USERS.bob.name), 'the sender\'s record names Bob')
  await screenshot(admin, 'moderation-report-detail')

  // Mute Bob for 24 h with a reason, deleting the message in the same step.
  const reason = `No advertising here ${nonce()}`
  await detail.getByTestId('report-action-muted').click()
  await detail.getByTestId('report-duration-1440').click()
  await detail.locator('[data-testid="report-user-reason"] input, input[data-testid="report-user-reason"]').fill(reason)
  await detail.getByTestId('report-delete-too').click()
  await detail.getByTestId('report-apply').click()
  await detail.getByTestId('report-resolved').waitFor({ timeout: 10_000 })
  assert((await detail.getByTestId('report-resolved').innerText()).includes('Muted'), 'the report shows it was resolved with a mute')
  await screenshot(admin, 'moderation-report-resolved')

  // Alice's page loses the message live; Bob's composer says he is muted, until when and why.
  await poll(async () => await messagesWithText(alice, text).count() === 0, { message: 'the reported message disappears from Alice\'s page live' })
  await poll(async () => (await onAlice.innerText()).includes('This message was deleted'), { message: 'Alice sees the tombstone' })
  const muted = bob.getByTestId('composer-muted')
  await muted.waitFor({ timeout: 10_000 })
  const said = await muted.innerText()
  assert(said.startsWith('You are muted until') && said.includes(reason), `Bob's composer shows the mute and its reason (got "${said}")`)
  await screenshot(bob, 'moderation-sender-muted')
  await screenshot(alice, 'moderation-reporter-message-gone')

  // The audit log has the delete and the mute; then lift the mute so later runs start clean.
  const { entries } = await env.rest.ok('GET', `/api/admin/audit?targetId=${env.users.bob.id}&action=user.mute`, { token: env.tokens.admin })
  assert(entries.some(e => e.details.reason === reason), 'the mute is in the audit log')
  await env.rest.ok('DELETE', `/api/admin/users/${env.users.bob.id}/mute`, { token: env.tokens.admin })
  await muted.waitFor({ state: 'detached', timeout: 10_000 })
  await context.close()
}
