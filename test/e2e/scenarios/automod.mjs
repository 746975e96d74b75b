// Scenario 4d: an admin writes an automod rule, tries it on recent messages, saves it; a member's
// message is blocked with the rule's name and never reaches the others; switched off, it passes.
import { assert, messagesWithText, newContext, newPage, nonce, poll, screenshot, sendAndConfirm, sendMessage, sleep } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

/** The input of a field whose data-testid sits on the input itself or on its wrapper. */
async function inputOf(page, testid) {
  const field = page.getByTestId(testid)
  return (await field.evaluate(el => el.tagName)) === 'INPUT' ? field : field.locator('input').first()
}

export async function automodRules(env) {
  const { rest, ids, tokens } = env
  const name = 'No links to pastebin'
  const old = `old paste pastebin.com/${nonce()}`
  await rest.ok('POST', `/api/conversations/${ids.general}/messages`, { token: tokens.bob, body: { clientId: crypto.randomUUID(), content: old } })

  const context = await newContext(env, { session: env.sessions.admin })
  const page = await newPage(context, 'admin')
  await page.goto('/admin/conversations')
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Automod' }).click()
  await page.waitForURL('**/admin/automod')
  await page.getByText('Global admins are exempt').first().waitFor()

  // A links rule for the Demo project, tested on recent messages before it is saved.
  await page.getByTestId('automod-new').click()
  const dialog = page.getByRole('dialog')
  await (await inputOf(page, 'automod-name')).fill(name)
  await dialog.getByTestId('automod-kind').click()
  await page.getByRole('option', { name: /^Links/ }).click()
  await dialog.getByTestId('automod-scope').click()
  await page.getByRole('option', { name: 'Demo' }).click()
  const domains = await inputOf(page, 'automod-deny-domains')
  await domains.fill('pastebin.com')
  await domains.press('Enter')
  await dialog.getByTestId('automod-test').click()
  await dialog.getByTestId('automod-test-match').filter({ hasText: old }).first().waitFor()
  await screenshot(page, 'automod-dry-run')
  const before = await rest.ok('GET', '/api/admin/automod/rules', { token: tokens.admin })
  assert(!before.rules.some(r => r.name === name), 'testing the rule saved it')
  await dialog.getByTestId('automod-save').click()
  const row = page.getByTestId('automod-rule-row').filter({ hasText: name })
  await row.waitFor()
  assert((await row.innerText()).includes('Demo'), 'the rule row does not show its project')
  const { rules } = await rest.ok('GET', '/api/admin/automod/rules', { token: tokens.admin })
  const rule = rules.find(r => r.name === name)
  assert(rule?.kind === 'links' && rule.action === 'block' && rule.config.denyDomains?.[0] === 'pastebin.com', `saved rule is not the one entered: ${JSON.stringify(rule)}`)

  try {
    // Bob's message is refused with the rule's name; Alice never sees it.
    const { alice, bob } = await ensurePair(env)
    const blocked = `grab https://eu.pastebin.com/${nonce()}`
    await sendMessage(bob, blocked)
    const item = messagesWithText(bob, blocked)
    await poll(async () => await item.getAttribute('data-status') === 'failed', { message: 'the blocked message is marked not sent' })
    await item.getByText(`Blocked by the rule “${name}”`).waitFor()
    await screenshot(bob, 'automod-blocked')
    await sleep(500)
    assert(await messagesWithText(alice, blocked).count() === 0, 'Alice received a blocked message')

    // Switched off in the table: the same kind of message goes through.
    await row.getByTestId('automod-toggle').click()
    await poll(async () => (await rest.ok('GET', '/api/admin/automod/rules', { token: tokens.admin })).rules.find(r => r.id === rule.id)?.enabled === false,
      { message: 'the toggle switches the rule off' })
    const allowed = `now https://pastebin.com/${nonce()}`
    await sendAndConfirm(bob, allowed)
    await messagesWithText(alice, allowed).waitFor({ timeout: 10_000 })
  } finally {
    await rest.call('DELETE', `/api/admin/automod/rules/${rule.id}`, { token: tokens.admin })
  }
}
