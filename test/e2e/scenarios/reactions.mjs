// Scenario 3b: reactions and the message toolbar between two members.
import { assert, messagesWithText, nonce, poll, screenshot, sendAndConfirm } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

export async function reactionsAndActions(env) {
  const { alice, bob } = await ensurePair(env)
  const text = `React to me ${nonce()}`
  const id = await sendAndConfirm(alice, text)
  const row = page => page.locator(`[data-testid="message-item"][data-message-id="${id}"]`)
  const chip = (page, emoji) => row(page).locator(`[data-testid="reaction-chip"][data-emoji^="${emoji}"]`)
  await messagesWithText(bob, text).waitFor({ timeout: 10_000 })

  // Alice reacts from the hover toolbar; Bob sees the chip live.
  await row(alice).hover()
  await row(alice).locator('[data-testid="quick-reaction"][data-emoji="🎉"]').click()
  await poll(async () => await chip(alice, '🎉').getAttribute('data-mine') === 'true', { message: 'Alice\'s 🎉 shows as hers' })
  await poll(async () => await chip(bob, '🎉').count() === 1 && (await chip(bob, '🎉').innerText()).includes('1'),
    { message: 'Bob sees Alice\'s 🎉 with a count of 1' })
  assert(await chip(bob, '🎉').getAttribute('aria-pressed') === 'false', 'Bob\'s view marks Alice\'s reaction as his')

  // Bob adds his own by clicking the chip: two for both.
  await chip(bob, '🎉').click()
  await poll(async () => (await chip(alice, '🎉').innerText()).includes('2'), { message: 'Alice sees the 🎉 count reach 2' })

  // Bob's toolbar on Alice's message: no edit, report behind "More".
  await row(bob).hover()
  assert(await row(bob).getByTestId('message-edit').count() === 0, 'Bob is offered to edit Alice\'s message')
  await row(bob).getByTestId('message-more').click()
  await bob.getByTestId('message-report').waitFor()
  await bob.keyboard.press('Escape')

  // Alice picks one from the emoji picker by searching.
  await row(alice).hover()
  await row(alice).getByTestId('message-emoji-picker').click()
  const search = alice.locator('[data-testid="emoji-search"] input, input[data-testid="emoji-search"]')
  await search.fill('rocket')
  // Enter picks the first result: wait until the search has answered (the emoji data loads on first use).
  await alice.getByTestId('emoji-option').filter({ hasText: '🚀' }).first().waitFor()
  await search.press('Enter')
  await poll(async () => await chip(bob, '🚀').count() === 1, { message: 'Bob sees the 🚀 Alice picked' })

  await row(alice).hover()
  await row(alice).getByTestId('message-actions').waitFor()
  await screenshot(alice, 'message-actions')
}
