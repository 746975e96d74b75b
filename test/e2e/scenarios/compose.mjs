// Scenario 3d: @mention autocomplete in the composer, and a scheduled message arriving on its own.
import { assert, messagesWithText, nonce, poll, screenshot } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

export async function mentionAndScheduled(env) {
  const { alice, bob } = await ensurePair(env)

  // Alice types "@Bo", picks Bob from the menu with the keyboard, and sends.
  const input = alice.getByTestId('composer-input')
  await input.click()
  await input.pressSequentially('@Bo')
  const menu = alice.getByTestId('suggestion-menu')
  await menu.getByTestId('suggestion-option').filter({ hasText: 'Bob' }).first().waitFor()
  await screenshot(alice, 'mention-autocomplete')
  await input.press('Enter')
  await poll(async () => (await input.inputValue()).startsWith('@Bob '), { message: `the mention is inserted (composer holds "${await input.inputValue()}")` })
  const text = `can you check the build ${nonce()}`
  await input.pressSequentially(text)
  await input.press('Enter')

  // Bob sees his own mention, marked as his.
  const mine = messagesWithText(bob, text).locator('.mention.mention-me')
  await poll(async () => (await mine.count()) === 1, { message: 'Bob sees the mention of him highlighted' })
  assert((await mine.innerText()).trim() === '@Bob', `the mention reads "${await mine.innerText()}"`)

  // Alice schedules a message from the send button's menu; it waits in her "Scheduled" list.
  const later = `Scheduled reminder ${nonce()}`
  await input.fill(later)
  await alice.getByTestId('composer-schedule').click()
  await alice.getByTestId('schedule-preset-hour').click()
  const count = alice.getByTestId('scheduled-count')
  await poll(async () => (await count.count()) === 1 && (await count.innerText()).includes('1'), { message: 'Alice\'s composer shows one scheduled message' })
  assert((await messagesWithText(bob, later).count()) === 0, 'the scheduled message arrived before its time')

  // Moved to two seconds from now, the server sends it with nobody online on Alice's side needed.
  const { scheduled } = await env.rest.ok('GET', '/api/scheduled', { token: env.tokens.alice })
  const item = scheduled.find(s => s.content === later)
  assert(item, 'the scheduled message is listed by the API')
  await env.rest.ok('PATCH', `/api/scheduled/${item.id}`, { token: env.tokens.alice, body: { sendAt: new Date(Date.now() + 2000).toISOString() } })
  await poll(async () => (await messagesWithText(bob, later).count()) === 1, { timeout: 15_000, message: 'the scheduled message arrives in Bob\'s window' })
  await poll(async () => (await count.count()) === 0, { message: 'Alice\'s scheduled count clears once it is sent' })
  await screenshot(bob, 'scheduled-arrived')

  // The conversation header opens search scoped to this conversation.
  await alice.getByTestId('conversation-search').click()
  await alice.getByTestId('search-scope').waitFor()
  assert((await alice.getByTestId('search-scope').innerText()).includes('general'), 'the header search is scoped to #general')
  await alice.keyboard.press('Escape')
}
