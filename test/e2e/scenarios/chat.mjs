// Scenarios 1–3: two members chatting live, offline sending, markdown rendering and XSS payloads.
import {
  USERS, assert, bodyTexts, loginViaForm, messagesWithText, newContext, newPage, nonce, openConversation,
  poll, sendAndConfirm, sendMessage
} from '../lib/helpers.mjs'

const SEED_USERS = 3
const SEED_PER_USER = 24 // 72 messages, under the 30 messages/min/user limit

/** Posts enough history into #general (as throwaway project members) that the client must page. */
async function seedHistory(env) {
  const { rest, ids, tokens } = env
  const run = nonce()
  const senders = []
  for (let i = 1; i <= SEED_USERS; i++) {
    const email = `e2e-seed-${run}-${i}@example.com`
    const { accessToken } = await rest.signup(email, `Seeder ${i}`)
    await rest.ok('POST', `/api/projects/${ids.projectId}/members`, { token: tokens.admin, body: { email, role: 'member' } })
    senders.push(accessToken)
  }
  const total = SEED_USERS * SEED_PER_USER
  for (let n = 1; n <= total; n++) {
    const token = senders[(n - 1) % SEED_USERS]
    const content = `history ${run} #${String(n).padStart(3, '0')}`
    await rest.ok('POST', `/api/conversations/${ids.general}/messages`, { token, body: { clientId: crypto.randomUUID(), content } })
  }
  return { run, total }
}

/** Alice and Bob, each signed in through the form in an own context, both on #general. */
export async function ensurePair(env) {
  if (env.pair && !env.pair.alice.isClosed() && !env.pair.bob.isClosed()) {
    // An earlier scenario may have taken either page elsewhere; every scenario starts on #general.
    for (const page of [env.pair.alice, env.pair.bob]) {
      if (new URL(page.url()).pathname === `/c/${env.ids.general}`) continue
      await page.goto(`/c/${env.ids.general}`)
      await page.getByTestId('message-list').waitFor()
      await page.getByTestId('message-item').first().waitFor()
    }
    return env.pair
  }
  const pages = {}
  for (const who of ['alice', 'bob']) {
    const context = await newContext(env)
    const page = await newPage(context, who)
    await loginViaForm(page, USERS[who].email)
    await openConversation(page, env.ids.general)
    pages[who] = page
  }
  env.pair = { alice: pages.alice, bob: pages.bob, aliceContext: pages.alice.context(), bobContext: pages.bob.context() }
  return env.pair
}

export async function twoMembersChat(env) {
  const { run, total } = await seedHistory(env)
  env.log(`  seeded ${total} history messages in #general`)
  const { alice, bob } = await ensurePair(env)

  // Both see the same conversation header.
  for (const page of [alice, bob]) {
    await poll(async () => (await page.title()).includes('general'), { message: `${page.label}: the tab title names the conversation "general"` })
  }

  // Alice → Bob
  const hello = `Hello Bob ${nonce()}`
  const helloId = await sendAndConfirm(alice, hello)
  await messagesWithText(bob, hello).waitFor({ timeout: 10_000 })

  // Bob → Alice
  const reply = `Hi Alice ${nonce()}`
  await sendAndConfirm(bob, reply)
  await messagesWithText(alice, reply).waitFor({ timeout: 10_000 })

  // Alice edits her message: Bob sees the new text and "(edited)".
  const edited = `Hello Bob, edited ${nonce()}`
  const aliceItem = alice.locator(`[data-testid="message-item"][data-message-id="${helloId}"]`)
  await aliceItem.hover()
  await aliceItem.getByTestId('message-edit').click()
  const editInput = alice.getByTestId('message-edit-input')
  await editInput.fill(edited)
  await editInput.press('Enter')
  await editInput.waitFor({ state: 'detached' })
  const bobItem = bob.locator(`[data-testid="message-item"][data-message-id="${helloId}"]`)
  await poll(async () => {
    const text = await bobItem.innerText()
    return text.includes(edited) && text.includes('(edited)') && !text.includes(hello)
  }, { message: 'Bob sees the edited text with "(edited)"' })

  // Alice deletes it: Bob sees the tombstone.
  await aliceItem.hover()
  await aliceItem.getByTestId('message-delete').click()
  await alice.getByTestId('confirm-delete').click()
  await poll(async () => (await bobItem.getByTestId('message-body').innerText()).includes('This message was deleted'),
    { message: 'Bob sees "This message was deleted"' })
  assert(!(await bobItem.innerText()).includes(edited), 'the deleted text is still visible on Bob\'s side')
  await poll(async () => (await aliceItem.getByTestId('message-body').innerText()).includes('This message was deleted'),
    { message: 'Alice sees her own message as deleted' })

  // Scrolling up loads older history and keeps the reader's place. Only the rows near the view are
  // in the DOM, so the list's height tells how much history is loaded.
  const list = bob.getByTestId('message-list')
  const oldest = `history ${run} #001`
  assert(await messagesWithText(bob, oldest).count() === 0, 'the oldest seeded message is already loaded: paging is not exercised')
  const before = await list.evaluate(el => el.scrollHeight)
  const anchor = await bob.getByTestId('message-list').evaluate(async (list) => {
    list.scrollTop = 100 // close to the top, below the fold of the first row: a reader scrolling up
    // The rows for the new place render on the next frames.
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))
    const top = list.getBoundingClientRect().top
    const first = [...list.querySelectorAll('[data-testid="message-item"]')].find(el => el.getBoundingClientRect().top >= top)
    return first ? { id: first.dataset.messageId, offset: first.getBoundingClientRect().top - top, text: first.innerText.slice(0, 80) } : null
  })
  assert(anchor, 'no message visible at the top of the list')
  await poll(async () => await list.evaluate(el => el.scrollHeight) > before, { timeout: 10_000, message: 'older messages load after scrolling up' })
  const after = await bob.getByTestId('message-list').evaluate(async (list, id) => {
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))
    const box = list.getBoundingClientRect()
    const el = list.querySelector(`[data-message-id="${id}"]`)
    if (!el) return null
    const r = el.getBoundingClientRect()
    return { offset: r.top - box.top, inView: r.top >= box.top - 1 && r.bottom <= box.bottom + 1, scrollTop: list.scrollTop }
  }, anchor.id)
  assert(after, 'the previously first visible message vanished after loading older ones')
  assert(after.inView, `the previously first visible message ("${anchor.text}") is no longer in view after loading older messages (offset ${Math.round(anchor.offset)} → ${Math.round(after.offset)} px, scrollTop ${after.scrollTop})`)
  assert(Math.abs(after.offset - anchor.offset) < 80, `the reading position jumped by ${Math.round(after.offset - anchor.offset)} px when older messages loaded`)
  env.log(`  history: list ${before} → ${await list.evaluate(el => el.scrollHeight)} px tall after scrolling up; anchor moved ${Math.round(after.offset - anchor.offset)} px`)
  // Up to the start: each page keeps the reader's place, so scroll to the top again until none is left.
  await poll(async () => {
    await list.evaluate((el) => { el.scrollTop = 0 })
    return await bob.getByText('This is the very beginning of general').isVisible()
  }, { timeout: 20_000, interval: 500, message: 'scrolling to the top reaches the start of #general' })
  await messagesWithText(bob, oldest).waitFor({ state: 'visible', timeout: 10_000 })

  // While Bob reads old history, a new message does not yank him down: a "new message" button appears.
  const scrollTopBefore = await bob.getByTestId('message-list').evaluate(list => list.scrollTop)
  const ping = `Are you there, Bob? ${nonce()}`
  await sendAndConfirm(alice, ping)
  // Far above it, Bob's list does not render the new row: the button tells him of it.
  const button = bob.getByTestId('new-messages-button')
  await button.waitFor({ timeout: 10_000 })
  assert(/1 new message/.test(await button.innerText()), `the button reads "${await button.innerText()}"`)
  const scrollTopNow = await bob.getByTestId('message-list').evaluate(list => list.scrollTop)
  assert(Math.abs(scrollTopNow - scrollTopBefore) < 5, `Bob's view moved from ${scrollTopBefore} to ${scrollTopNow} while he was reading history`)
  await button.click()
  await messagesWithText(bob, ping).waitFor({ state: 'visible' })
  await poll(async () => await bob.getByTestId('message-list').evaluate(list => list.scrollHeight - list.scrollTop - list.clientHeight < 50),
    { message: 'the new-messages button brings Bob to the bottom' })
  await poll(async () => await messagesWithText(bob, ping).evaluate((el) => {
    const box = el.closest('[data-testid="message-list"]').getBoundingClientRect()
    const r = el.getBoundingClientRect()
    return r.top >= box.top && r.bottom <= box.bottom + 1
  }), { message: 'the new message is in view after clicking the button' })
  await button.waitFor({ state: 'detached' })
}

export async function offlineSend(env) {
  const { alice, bob, bobContext } = await ensurePair(env)
  const earlier = `Before the tunnel ${nonce()}`
  await sendAndConfirm(alice, earlier)
  await messagesWithText(bob, earlier).waitFor()

  await bobContext.setOffline(true)
  try {
    await poll(async () => (await bob.getByTestId('user-menu').innerText()).includes('Connecting'),
      { timeout: 15_000, message: 'Bob\'s app notices it is offline (user menu shows "Connecting…")' })

    const offline = `Sent from the tunnel ${nonce()}`
    await sendMessage(bob, offline)
    const bobItem = messagesWithText(bob, offline)
    await bobItem.waitFor()
    assert(await bobItem.getAttribute('data-status') === 'pending', `offline message status is ${await bobItem.getAttribute('data-status')}, expected pending`)
    await bobItem.getByTestId('message-pending').waitFor()
    const pendingText = await bobItem.getByTestId('message-pending').innerText()
    assert(/waiting for connection/i.test(pendingText), `pending label reads "${pendingText}"`)
    assert(await messagesWithText(alice, offline).count() === 0, 'Alice received a message Bob wrote while offline')

    await bobContext.setOffline(false)
    await poll(async () => await bobItem.getAttribute('data-status') === 'sent' && await bobItem.count() === 1,
      { timeout: 25_000, message: 'Bob\'s offline message becomes sent after reconnecting' })
    await messagesWithText(alice, offline).waitFor({ timeout: 10_000 })

    // A round trip after it proves no late duplicate is still on its way.
    const after = `After the tunnel ${nonce()}`
    await sendAndConfirm(alice, after)
    await messagesWithText(bob, after).waitFor()
    for (const page of [alice, bob]) {
      const count = await messagesWithText(page, offline).count()
      assert(count === 1, `${page.label} shows the offline message ${count} times, expected exactly once`)
      const texts = await bodyTexts(page)
      const iEarlier = texts.findIndex(t => t.includes(earlier))
      const iOffline = texts.findIndex(t => t.includes(offline))
      const iAfter = texts.findIndex(t => t.includes(after))
      assert(iEarlier !== -1 && iEarlier < iOffline && iOffline < iAfter,
        `${page.label}: order is wrong (earlier #${iEarlier}, offline #${iOffline}, after #${iAfter})`)
    }
  } finally {
    await bobContext.setOffline(false)
  }
}

export async function markdownAndXss(env) {
  const { alice, bob } = await ensurePair(env)
  const tag = nonce()
  const bold = `**bold** text ${tag}`
  const code = `\`\`\`ts\nconst answer${tag}: number = 42\n\`\`\``
  const script = `<script>window.__xss=1</script> ${tag}`
  const img = `<img src=x onerror="window.__xss=1"> ${tag}`
  for (const text of [bold, code, script, img]) await sendMessage(alice, text)

  for (const page of [alice, bob]) {
    const boldItem = messagesWithText(page, `text ${tag}`)
    await poll(async () => (await boldItem.locator('strong').innerText()) === 'bold',
      { message: `${page.label}: **bold** renders as <strong>bold</strong>` })
    assert(!(await boldItem.innerText()).includes('**'), `${page.label}: the markdown asterisks are still visible`)

    const codeItem = messagesWithText(page, `const answer${tag}`)
    await poll(async () => await codeItem.locator('pre.shiki code').count() === 1 && await codeItem.getAttribute('data-status') === 'sent',
      { message: `${page.label}: the ts fence renders as a highlighted block` })
    const colours = await codeItem.locator('pre.shiki span[style]').evaluateAll(spans => new Set(spans.map(s => getComputedStyle(s).color)).size)
    assert(colours >= 2, `${page.label}: the code block is not syntax-highlighted (${colours} distinct colours)`)

    const scriptItem = messagesWithText(page, `<script>window.__xss=1</script> ${tag}`)
    await poll(async () => await scriptItem.count() === 1 && await scriptItem.getAttribute('data-status') === 'sent',
      { message: `${page.label}: the <script> payload shows as text` })
    const imgItem = messagesWithText(page, `<img src=x onerror="window.__xss=1"> ${tag}`)
    await poll(async () => await imgItem.count() === 1 && await imgItem.getAttribute('data-status') === 'sent',
      { message: `${page.label}: the <img onerror> payload shows as text` })

    const injected = await page.getByTestId('message-list').evaluate(list => ({
      scripts: list.querySelectorAll('script').length,
      images: [...list.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x' || i.hasAttribute('onerror')).length,
      handlers: [...list.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length
    }))
    assert(injected.scripts === 0 && injected.images === 0 && injected.handlers === 0,
      `${page.label}: injected markup reached the DOM ${JSON.stringify(injected)}`)
  }
  // Give any onerror a chance to fire (image load errors are async) by reloading Bob's view too.
  await bob.reload()
  await bob.getByTestId('message-item').first().waitFor()
  await messagesWithText(bob, `<img src=x onerror="window.__xss=1"> ${tag}`).waitFor()
  for (const page of [alice, bob]) {
    assert(await page.evaluate(() => typeof window.__xss) === 'undefined', `${page.label}: window.__xss was set — script ran`)
    assert(page.dialogs.length === 0, `${page.label}: a dialog fired: ${page.dialogs.join('; ')}`)
  }
}
