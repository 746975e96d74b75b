// Scenario 7: rich messaging — thumbnails across members, the files gallery, in-conversation search, profile rename.
import sharp from 'sharp'
import { USERS, assert, messagesWithText, nonce, poll, screenshot, sendAndConfirm } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

/** A real 1200×800 PNG: big enough that the server makes a smaller thumbnail. */
async function photo() {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toBuffer()
}

async function openItemMenu(page, conversationId, label) {
  const item = page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`).first()
  await item.hover()
  await page.locator(`[data-testid="conversation-menu"][data-conversation-id="${conversationId}"]`).first().click()
  await page.getByRole('menuitem', { name: label }).click()
}

export async function richMessaging(env) {
  const { ids, rest, tokens, users } = env
  const { alice, bob } = await ensurePair(env)
  const run = nonce()
  // Earlier scenarios may have left either member elsewhere: both start in #general.
  for (const page of [alice, bob]) {
    await page.goto(`/c/${ids.general}`)
    await page.getByTestId('message-item').first().waitFor()
    await page.getByTestId('composer-input').waitFor()
  }

  // 1. Alice sends an image: Bob's timeline shows the thumbnail, with its box reserved before it loads.
  const caption = `photo ${run}`
  await alice.getByTestId('composer-file-input').setInputFiles({ name: `photo-${run}.png`, mimeType: 'image/png', buffer: await photo() })
  await poll(async () => await alice.getByTestId('attachment-chip').getAttribute('data-status') === 'ready', { message: 'the upload is ready', timeout: 20_000 })
  await sendAndConfirm(alice, caption)
  const bobRow = messagesWithText(bob, caption)
  await bobRow.waitFor({ timeout: 10_000 })
  const bobImage = bobRow.getByTestId('attachment-image')
  await poll(async () => (await bobImage.getAttribute('src'))?.includes('/thumbnail?token='), { message: 'Bob\'s image loads the signed thumbnail' })
  await poll(() => bobImage.evaluate(img => img.complete && img.naturalWidth > 0), { message: 'the thumbnail decoded in Bob\'s window' })
  const natural = await bobImage.evaluate(img => ({ w: img.naturalWidth, h: img.naturalHeight }))
  assert(natural.w <= 480 && natural.h <= 480, `the timeline shows the thumbnail, not the 1200 px original: ${JSON.stringify(natural)}`)
  const box = await bobRow.getByTestId('message-attachment').locator('button').first().boundingBox()
  assert(box && Math.abs(box.width / box.height - 1.5) < 0.05, `the image box keeps the 3:2 shape: ${JSON.stringify(box)}`)
  await screenshot(bob, 'rich-thumbnail-bob')

  // 2. Files gallery, from the conversation's menu: the image is there; the viewer loads the original.
  await openItemMenu(alice, ids.general, 'Files')
  await alice.waitForURL(`**/c/${ids.general}/files`)
  const tile = alice.getByTestId('gallery-image').first()
  await tile.waitFor()
  assert((await tile.getAttribute('aria-label')) === `Open photo-${run}.png`, 'the newest image comes first in the gallery')
  await screenshot(alice, 'rich-gallery')
  await tile.click()
  const preview = alice.getByTestId('image-preview')
  await preview.waitFor()
  await poll(async () => !(await preview.getAttribute('src'))?.includes('/thumbnail'), { message: 'the viewer loads the original' })
  await alice.getByTestId('image-jump').click()
  await alice.waitForURL(url => url.pathname === `/c/${ids.general}` && /^#m-\d+$/.test(url.hash))

  // 3. Search in this conversation: the modal is scoped; a hit elsewhere does not show.
  const word = `needle${run}`
  await rest.ok('POST', `/api/conversations/${ids.design}/messages`, { token: tokens.alice, body: { clientId: crypto.randomUUID(), content: `${word} in design` } })
  await sendAndConfirm(alice, `${word} in general`)
  await openItemMenu(alice, ids.general, 'Search in this conversation')
  await alice.getByTestId('search-scope').waitFor()
  await alice.getByTestId('search-input').fill(word)
  await poll(async () => await alice.getByTestId('search-result').count() === 1, { message: 'one result, from #general only' })
  assert((await alice.getByTestId('search-result').innerText()).includes('in #general'), 'the scoped hit is the #general one')
  await screenshot(alice, 'rich-search-scoped')
  await alice.getByTestId('search-scope-clear').click()
  await poll(async () => await alice.getByTestId('search-result').count() === 2, { message: 'both results once the scope is cleared' })
  // Suggestions: two characters of Bob's name offer him; choosing him opens the DM.
  await alice.getByTestId('search-input').fill('Bo')
  const suggestion = alice.locator(`[data-testid="suggest-person"][data-user-id="${users.bob.id}"]`)
  await suggestion.waitFor()
  await suggestion.click()
  await poll(async () => (await alice.title()).includes('Bob'), { message: 'the DM with Bob opened from the suggestion' })

  // 4. Profile: Alice renames herself; Bob sees the new name.
  const renamed = `Alice ${run}`
  try {
    await alice.getByTestId('user-menu').click()
    await alice.getByRole('menuitem', { name: 'Edit profile' }).click()
    await alice.getByTestId('profile-avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await photo() })
    // The new avatar shows in the dialog as soon as the server has stored it.
    const avatar = alice.locator('img[data-testid="profile-avatar"], [data-testid="profile-avatar"] img').first()
    await poll(async () => (await avatar.getAttribute('src', { timeout: 500 }).catch(() => null))?.includes('/avatar?v='), { message: 'the uploaded avatar shows in the profile dialog' })
    await alice.getByTestId('profile-name').fill(renamed)
    await screenshot(alice, 'rich-profile')
    await alice.getByTestId('profile-save').click()
    await poll(async () => (await alice.getByTestId('user-menu').innerText()).includes(renamed), { message: 'Alice\'s own menu shows the new name' })
    // Bob: the conversation's participants list (after a reload) and Alice's next message carry the new name.
    await bob.reload()
    await bob.getByTestId('message-item').first().waitFor()
    await bob.getByTestId('participant-count').click()
    await poll(async () => (await bob.locator('body').innerText()).includes(renamed), { message: 'Bob sees Alice\'s new name in the participants' })
    await screenshot(bob, 'rich-renamed-bob')
    await bob.keyboard.press('Escape')
  } finally {
    await rest.ok('PATCH', '/api/me', { token: tokens.alice, body: { displayName: USERS.alice.name, avatarUrl: null } })
  }
}
