// Scenario 15: offline that loses nothing. A message written offline survives a reload without a
// network (the app opens from the service worker and the device's IndexedDB) and is delivered once
// on reconnect; with two tabs offline, a message typed in one shows at once as pending in the other,
// and once online it is delivered once; the connection
// banner shows on a phone-sized screen; the network loss is noticed within seconds.
import { assert, messagesWithText, newContext, newPage, nonce, poll, screenshot, sendAndConfirm, sendMessage, sleep } from '../lib/helpers.mjs'

/** How many stored messages of #general carry this text, as Alice reads them over REST. */
async function storedCount(env, text) {
  const { messages } = await env.rest.ok('GET', `/api/conversations/${env.ids.general}/messages?limit=100`, { token: env.tokens.alice })
  return messages.filter(m => m.content === text).length
}

/** The shell and the scripts of this page are in the worker's caches (ready to open without a network). */
async function shellCached(page) {
  await poll(() => page.evaluate(async () => {
    const shell = await caches.match('/')
    const scripts = [...document.querySelectorAll('script[src^="/_nuxt/"]')].map(s => s.getAttribute('src'))
    const cached = await Promise.all(scripts.map(src => caches.match(src)))
    return Boolean(shell) && cached.every(Boolean)
  }), { timeout: 15_000, message: 'the app shell and its scripts are cached' })
}

async function waitForBanner(page, state, timeout = 6_000) {
  await poll(async () => await page.getByTestId('connection-banner').getAttribute('data-state').catch(() => null) === state,
    { timeout, message: `${page.label} shows the ${state} banner` })
}

export async function offlineThatLosesNothing(env) {
  const alice = await newPage(await newContext(env, { session: env.sessions.alice }), 'alice')
  await alice.goto(`/c/${env.ids.general}`)
  await alice.getByTestId('message-item').first().waitFor()

  const context = await newContext(env, { session: env.sessions.bob })
  const bobPage = await newPage(context, 'bob-warmup')
  // The first visit registers the worker; the second one is controlled by it from the start.
  await bobPage.goto('/')
  await bobPage.getByTestId('conversation-item').first().waitFor()
  await bobPage.evaluate(() => navigator.serviceWorker.ready)
  await bobPage.close()
  const bob = await newPage(context, 'bob')
  await bob.goto(`/c/${env.ids.general}`)
  await bob.getByTestId('message-item').first().waitFor()
  await poll(() => bob.evaluate(() => Boolean(navigator.serviceWorker.controller)), { message: 'the service worker controls Bob\'s tab' })
  await shellCached(bob)
  // The open conversation's newest page and the sidebar are written to IndexedDB a moment after they change.
  await sleep(2500)

  // 1. Offline is noticed within seconds, and said once.
  const lostAt = Date.now()
  await context.setOffline(true)
  try {
    await waitForBanner(bob, 'offline', 5_000)
    env.log(`  offline noticed after ${Date.now() - lostAt} ms`)
    const text = `Written offline ${nonce()}`
    await sendMessage(bob, text)
    const item = messagesWithText(bob, text)
    await item.waitFor()
    assert(await item.getAttribute('data-status') === 'pending', 'the offline message is pending')
    const hint = await bob.getByTestId('composer-hint').innerText()
    assert(/Offline — messages will be sent when you reconnect/.test(hint), `composer hint reads "${hint}"`)
    assert(!/No reply from the server/.test(await bob.locator('body').innerText()), 'the app says "No reply from the server" while offline')

    // 2. A reload without a network: the app opens from the worker, the message is still waiting.
    await bob.reload()
    await bob.getByTestId('message-list').waitFor({ timeout: 20_000 })
    await item.waitFor({ timeout: 15_000 })
    assert(await item.getAttribute('data-status') === 'pending', `after the offline reload the message is ${await item.getAttribute('data-status')}`)
    await bob.locator('[data-testid="conversation-item"]').first().waitFor()
    await waitForBanner(bob, 'offline')
    assert(await storedCount(env, text) === 0, 'the server has the message before Bob reconnected')

    // 3. Back online: delivered once, to Alice too.
    await context.setOffline(false)
    await poll(async () => await item.getAttribute('data-status') === 'sent', { timeout: 25_000, message: 'Bob\'s offline message is sent after reconnecting' })
    await messagesWithText(alice, text).waitFor({ timeout: 10_000 })
    await bob.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 10_000 })
    const roundTrip = `After reconnecting ${nonce()}`
    await sendAndConfirm(alice, roundTrip)
    await messagesWithText(bob, roundTrip).waitFor()
    assert(await storedCount(env, text) === 1, `stored ${await storedCount(env, text)} times, expected once`)
    assert(await messagesWithText(alice, text).count() === 1, 'Alice sees the offline message more than once')
    assert(await messagesWithText(bob, text).count() === 1, 'Bob sees the offline message more than once')

    // 4. Two tabs offline, then online: one of them sends, the message is delivered once.
    const second = await newPage(context, 'bob-2')
    await second.goto(`/c/${env.ids.general}`)
    await second.getByTestId('message-item').first().waitFor()
    await context.setOffline(true)
    await waitForBanner(bob, 'offline', 5_000)
    await waitForBanner(second, 'offline', 5_000)
    const twoTabs = `Two tabs offline ${nonce()}`
    const typedAt = Date.now()
    await sendMessage(second, twoTabs)
    await messagesWithText(second, twoTabs).waitFor()
    // The other tab shows it at once, waiting too, before any flush could have sent it.
    await messagesWithText(bob, twoTabs).waitFor({ timeout: 3_000 })
    env.log(`  queued message shown in the other tab after ${Date.now() - typedAt} ms`)
    assert(await messagesWithText(bob, twoTabs).getAttribute('data-status') === 'pending', 'the other tab shows the queued message as pending')
    assert(await messagesWithText(bob, twoTabs).count() === 1, 'the other tab shows the queued message more than once')
    assert(await storedCount(env, twoTabs) === 0, 'the server has the two-tab message before the tabs reconnected')
    await sleep(500)
    await context.setOffline(false)
    await poll(async () => await messagesWithText(second, twoTabs).getAttribute('data-status') === 'sent', { timeout: 25_000, message: 'the two-tab message is sent' })
    await messagesWithText(alice, twoTabs).waitFor({ timeout: 10_000 })
    await messagesWithText(bob, twoTabs).waitFor({ timeout: 10_000 })
    const roundTrip2 = `After two tabs ${nonce()}`
    await sendAndConfirm(alice, roundTrip2)
    await messagesWithText(bob, roundTrip2).waitFor()
    await messagesWithText(second, roundTrip2).waitFor()
    assert(await storedCount(env, twoTabs) === 1, `two-tab message stored ${await storedCount(env, twoTabs)} times`)
    for (const page of [alice, bob, second]) {
      const count = await messagesWithText(page, twoTabs).count()
      assert(count === 1, `${page.label} shows the two-tab message ${count} times`)
    }
    // Nothing is left waiting on the device.
    const left = await bob.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('project-chat-offline')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const request = open.result.transaction('outbox').objectStore('outbox').count()
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      }
    }))
    assert(left === 0, `${left} messages still waiting in IndexedDB`)
  } finally {
    await context.setOffline(false)
  }

  // 5. The banner on a phone-sized screen.
  const phoneContext = await newContext(env, { session: env.sessions.bob, viewport: { width: 390, height: 844 }, mobile: true })
  const phone = await newPage(phoneContext, 'bob-phone')
  await phone.goto(`/c/${env.ids.general}`)
  await phone.getByTestId('message-list').waitFor()
  await phoneContext.setOffline(true)
  try {
    await waitForBanner(phone, 'offline', 5_000)
    const box = await phone.getByTestId('connection-banner').boundingBox()
    assert(box && box.y >= 0 && box.y + box.height <= 844 && box.width >= 380, `the banner on a phone is at ${JSON.stringify(box)}`)
    assert(await phone.getByTestId('connection-banner').isVisible(), 'the banner is not visible on a phone')
    await screenshot(phone, 'offline-banner-phone')
  } finally {
    await phoneContext.setOffline(false)
  }
  await phone.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 })
}
