// Scenario 3e: receipts between two members — ticks in a DM turn to "Read", "Seen by 1" in a group.
import { assert, messagesWithText, nonce, poll, screenshot, sendAndConfirm } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

/** Opens a conversation by its URL and waits for its list. */
async function goTo(page, conversationId) {
  await page.goto(`/c/${conversationId}`)
  await page.getByTestId('message-list').waitFor()
}

export async function receiptsInDmAndGroup(env) {
  const { alice, bob } = await ensurePair(env)
  const { rest, tokens, users, ids } = env

  // A DM: Alice sends while Bob is elsewhere in the app — his device has it ("Delivered"); he opens it — "Read".
  const { conversation: dm } = await rest.ok('POST', '/api/dm', { token: tokens.alice, body: { userId: users.bob.id, projectId: ids.projectId } })
  await goTo(alice, dm.id)
  const text = `Did you get this? ${nonce()}`
  const id = await sendAndConfirm(alice, text)
  const ticks = alice.locator(`[data-testid="message-item"][data-message-id="${id}"] [data-testid="receipt-ticks"]`)
  await poll(async () => ['sent', 'delivered'].includes(await ticks.getAttribute('data-state')), { message: 'Alice\'s message shows a tick once sent' })
  await poll(async () => await ticks.getAttribute('data-state') === 'delivered', { message: 'Alice sees "Delivered" while Bob has not opened the DM' })
  assert(await ticks.getAttribute('aria-label') === 'Delivered', 'the delivered ticks are labelled "Delivered"')

  await goTo(bob, dm.id)
  await messagesWithText(bob, text).waitFor({ timeout: 10_000 })
  await poll(async () => await ticks.getAttribute('aria-label') === 'Read', { message: 'Alice sees her message as "Read" once Bob opened the DM' })
  assert((await ticks.getAttribute('class')).includes('text-primary'), 'the read ticks are coloured')
  await screenshot(alice, 'receipts-dm-read')

  // A group: Alice's latest message, read by Bob, says "Seen by 1", and names him.
  const { conversation: group } = await rest.ok('POST', `/api/projects/${ids.projectId}/conversations`, {
    token: tokens.alice, body: { title: `receipts ${nonce()}`, type: 'group', participantIds: [users.bob.id] }
  })
  await goTo(alice, group.id)
  const said = `Group hello ${nonce()}`
  await sendAndConfirm(alice, said)
  assert(await alice.getByTestId('seen-by').count() === 0, '"Seen by" shows before anyone read the message')
  await goTo(bob, group.id)
  await messagesWithText(bob, said).waitFor({ timeout: 10_000 })
  const seen = alice.getByTestId('seen-by-button')
  await poll(async () => await seen.count() === 1 && (await seen.innerText()).trim() === 'Seen by 1', { message: 'Alice sees "Seen by 1" under her message' })
  await seen.click()
  await poll(async () => (await alice.getByTestId('seen-by-names').innerText()).includes(users.bob.displayName), { message: 'the popover names Bob' })
  await screenshot(alice, 'receipts-group-seen-by')
  await alice.keyboard.press('Escape')
}
