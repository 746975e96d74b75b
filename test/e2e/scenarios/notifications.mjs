// Scenario 12: notifications in the app. Bob, reading #design, is told of a mention in #general by a
// toast and the tab title; muting #general stops its toasts; the notification settings, "All unreads"
// and "Threads" screens pass axe-core.
import { checkA11y, describeViolations } from '../lib/axe.mjs'
import { USERS, assert, loginViaForm, newContext, newPage, nonce, openConversation, poll, screenshot, sleep } from '../lib/helpers.mjs'

const toastsOf = page => page.locator('.chat-notification-toast')
const sidebarItem = (page, id) => page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`).first()

async function post(env, who, conversationId, content, extra = {}) {
  const { message } = await env.rest.ok('POST', `/api/conversations/${conversationId}/messages`, {
    token: env.tokens[who], body: { clientId: crypto.randomUUID(), content, ...extra }
  })
  return message
}

async function a11y(page, name, include) {
  const failing = await checkA11y(page, name, include ? { include } : {})
  assert(!failing.length, `axe on ${name}:\n${describeViolations(failing)}`)
}

export async function notificationsInApp(env) {
  const { ids, rest, tokens } = env
  // Counts start from zero, whatever earlier scenarios left unread for Bob.
  await rest.ok('POST', `/api/projects/${ids.projectId}/read-all`, { token: tokens.bob })
  await rest.ok('PATCH', `/api/conversations/${ids.general}/preferences`, { token: tokens.bob, body: { notificationLevel: 'all', mutedUntil: null } })
  const { user: bobNow } = await rest.ok('GET', '/api/me', { token: tokens.bob })
  // Bob's window from the chat scenarios shows #general: the server (rightly) tells no Bob client of
  // what one of them already shows. Point it elsewhere for the scenario (the next one takes it back).
  if (env.pair && !env.pair.bob.isClosed()) {
    await env.pair.bob.goto('/unreads')
    await env.pair.bob.getByTestId('unreads-view').waitFor()
  }

  const context = await newContext(env)
  const bob = await newPage(context, 'bob-notify')
  await loginViaForm(bob, USERS.bob.email)
  await openConversation(bob, ids.design)
  await poll(async () => !(await bob.title()).startsWith('('), { message: `Bob's title counts nothing yet ("${await bob.title()}")` })

  // Alice mentions Bob in #general while he reads #design: a toast and the title say so.
  const ping = `can you review this ${nonce()}`
  await post(env, 'alice', ids.general, `@${bobNow.displayName} ${ping}`)
  const toast = toastsOf(bob).filter({ hasText: ping })
  await toast.first().waitFor({ timeout: 10_000 })
  assert((await toast.first().innerText()).includes('#general'), `the toast names #general: "${await toast.first().innerText()}"`)
  await poll(async () => (await bob.title()).startsWith('(1) design'), { message: `Bob's tab title counts the mention ("${await bob.title()}")` })
  await screenshot(bob, 'notification-toast')

  // A burst in #general updates the same toast instead of stacking.
  const burst = `and this one ${nonce()}`
  await post(env, 'alice', ids.general, `@${bobNow.displayName} first ${nonce()}`)
  await post(env, 'alice', ids.general, `@${bobNow.displayName} ${burst}`)
  await poll(async () => (await toastsOf(bob).filter({ hasText: 'new messages in #general' }).count()) === 1, { message: 'the burst is counted in one toast' })
  assert((await toastsOf(bob).count()) === 1, `one toast for the burst, not ${await toastsOf(bob).count()}`)

  // Clicking the toast opens the message in #general.
  await toastsOf(bob).first().click()
  await bob.waitForURL(url => url.pathname === `/c/${ids.general}` && url.hash.startsWith('#m-'))
  await bob.getByTestId('message-list').waitFor()

  // Bob mutes #general from its header menu; the sidebar greys it with a bell-off icon.
  await bob.getByTestId('conversation-header-menu').click()
  await bob.getByRole('menuitem', { name: 'Notifications' }).click()
  await bob.getByTestId('mute-off').click()
  await poll(async () => await sidebarItem(bob, ids.general).getAttribute('data-muted') === 'true', { message: '#general is greyed as muted' })
  await sidebarItem(bob, ids.general).getByTestId('muted-icon').waitFor()
  await openConversation(bob, ids.design)

  // Another mention there: counted in the sidebar, but no toast.
  const quiet = `while muted ${nonce()}`
  await post(env, 'alice', ids.general, `@${bobNow.displayName} ${quiet}`)
  await poll(async () => (await sidebarItem(bob, ids.general).getByTestId('unread-badge').count()) === 1, { message: 'the muted conversation still counts the new message' })
  await sleep(1_500)
  assert((await toastsOf(bob).filter({ hasText: quiet }).count()) === 0, 'a muted conversation made a toast')
  await screenshot(bob, 'notification-muted-sidebar')
  await rest.ok('PATCH', `/api/conversations/${ids.general}/preferences`, { token: tokens.bob, body: { mutedUntil: null } })

  // A thread Bob replied in gets a reply from Alice: the Threads view badges it.
  const root = await post(env, 'alice', ids.design, `Thread about the logo ${nonce()}`)
  await post(env, 'bob', ids.design, 'I like the green one', { threadRootId: root.id })
  await post(env, 'alice', ids.design, `Then green it is ${nonce()}`, { threadRootId: root.id })

  // Notification settings, from the user menu.
  await bob.getByTestId('user-menu').click()
  await bob.getByTestId('notification-settings').click()
  await bob.getByTestId('notification-settings-modal').waitFor()
  await sleep(400) // let the opening transition finish
  await screenshot(bob, 'notification-settings')
  await a11y(bob, 'notification-settings', '[role="dialog"]')
  await bob.getByTestId('notification-settings-done').click()
  await bob.getByTestId('notification-settings-modal').waitFor({ state: 'detached' })

  // "All unreads": #general with its unread messages.
  await bob.getByTestId('nav-unreads').click()
  await bob.waitForURL('**/unreads')
  await bob.locator(`[data-testid="unreads-conversation"][data-conversation-id="${ids.general}"]`).waitFor()
  await sleep(400) // let the opening transition finish
  await screenshot(bob, 'notification-unreads')
  await a11y(bob, 'unreads-view')

  // "Threads": the logo thread, with an unread reply.
  await bob.getByTestId('nav-threads').click()
  await bob.waitForURL('**/threads')
  const thread = bob.locator(`[data-testid="threads-item"][data-root-id="${root.id}"]`)
  await thread.waitFor()
  await poll(async () => await thread.getAttribute('data-unread') === 'true', { message: 'the thread with a new reply is badged' })
  await sleep(400) // let the opening transition finish
  await screenshot(bob, 'notification-threads')
  await a11y(bob, 'threads-view')

  // Opening it reads it.
  const read = bob.waitForResponse(r => r.url().endsWith(`/api/threads/${root.id}/read`) && r.request().method() === 'POST')
  await thread.click()
  await bob.getByTestId('thread-panel').waitFor()
  assert((await read).ok(), 'the thread is marked read when opened')
  await bob.getByTestId('nav-threads').click()
  await poll(async () => await bob.locator(`[data-testid="threads-item"][data-root-id="${root.id}"]`).getAttribute('data-unread') === null, { message: 'the opened thread is no longer unread' })

  await context.close()
}
