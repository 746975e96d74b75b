// Scenario 4: an admin manages participants through /admin; members are kept out of it.
import { USERS, assert, loginViaForm, newContext, newPage, nonce, poll, screenshot } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

function participantRow(page, email) {
  return page.getByTestId('admin-participant-row').filter({ hasText: email })
}

async function participantsViaApi(env, conversationId) {
  const { participants } = await env.rest.ok('GET', `/api/admin/conversations/${conversationId}/participants`, { token: env.tokens.admin })
  return participants
}

export async function adminParticipants(env) {
  const { rest, ids, tokens, users } = env
  // A group Alice created for herself: Bob is not in it.
  const title = `e2e-admin-${nonce()}`
  const { conversation } = await rest.ok('POST', `/api/projects/${ids.projectId}/conversations`, { token: tokens.alice, body: { title, type: 'group', participantIds: [] } })
  env.ids.adminGroup = conversation.id

  const context = await newContext(env)
  const page = await newPage(context, 'admin')
  await loginViaForm(page, USERS.admin.email)

  // The admin finds the admin area from the user menu.
  await page.getByTestId('user-menu').click()
  await page.getByRole('menuitem', { name: 'Admin' }).click()
  await page.waitForURL('**/admin/conversations**')
  await page.getByTestId('admin-conversation-row').first().waitFor()
  assert(await page.getByTestId('admin-conversation-row').count() >= 5, 'the admin conversation list shows fewer rows than the seeded conversations')

  await page.getByTestId('admin-conversation-search').fill(title)
  const row = page.getByTestId('admin-conversation-row').filter({ hasText: title })
  await poll(async () => await page.getByTestId('admin-conversation-row').count() === 1 && await row.count() === 1,
    { message: `searching "${title}" leaves exactly its row` })
  await row.getByRole('link', { name: title }).click()
  await page.waitForURL(`**/admin/conversations/${conversation.id}`)
  await participantRow(page, USERS.alice.email).waitFor()
  assert(await participantRow(page, USERS.bob.email).count() === 0, 'Bob is already listed before being added')

  // Add Bob, who has the app open meanwhile: what he sees is part of the scenario.
  const bobPage = (await ensurePair(env)).bob
  const bobItem = bobPage.locator(`[data-testid="conversation-item"][data-conversation-id="${conversation.id}"]`)
  await page.getByTestId('admin-add-participant').click()
  const dialog = page.getByRole('dialog')
  await dialog.getByPlaceholder('Search people by name or email').fill('bob')
  await dialog.getByRole('option').filter({ hasText: USERS.bob.email }).click()
  await dialog.getByTestId('admin-add-picked').getByText(USERS.bob.name).waitFor()
  await dialog.getByTestId('admin-add-confirm').click()
  await participantRow(page, USERS.bob.email).waitFor()
  await page.getByText(`${USERS.bob.name} added`, { exact: true }).first().waitFor()
  let api = await participantsViaApi(env, conversation.id)
  assert(api.some(p => p.userId === users.bob.id && p.role === 'member'), `server does not list Bob as member after adding: ${JSON.stringify(api.map(p => [p.displayName, p.role]))}`)
  // "They join at once, including any chat window they already have open."
  await bobItem.waitFor({ timeout: 10_000 })
  await bobItem.click()
  await bobPage.waitForURL(`**/c/${conversation.id}`)
  await bobPage.getByTestId('composer-input').waitFor()

  // Make Bob an admin of the conversation.
  await participantRow(page, USERS.bob.email).getByTestId('admin-role-select').click()
  await page.getByRole('option', { name: 'Admin' }).click()
  await page.getByText('Role changed', { exact: true }).first().waitFor()
  await poll(async () => (await participantRow(page, USERS.bob.email).getByTestId('admin-role-select').innerText()).includes('Admin'),
    { message: 'Bob\'s role select shows Admin' })
  api = await participantsViaApi(env, conversation.id)
  assert(api.some(p => p.userId === users.bob.id && p.role === 'admin'), 'server does not list Bob as admin after the role change')

  // Remove Bob, confirming in the dialog.
  await participantRow(page, USERS.bob.email).getByTestId('admin-remove-participant').click()
  await page.getByTestId('admin-confirm').click()
  await participantRow(page, USERS.bob.email).waitFor({ state: 'detached' })
  assert(await participantRow(page, USERS.alice.email).count() === 1, 'Alice disappeared together with Bob')
  api = await participantsViaApi(env, conversation.id)
  assert(!api.some(p => p.userId === users.bob.id), 'server still lists Bob after removal')
  const denied = await rest.call('GET', `/api/conversations/${conversation.id}/messages`, { token: tokens.bob })
  assert(denied.status === 403 || denied.status === 404, `Bob can still read the conversation after removal (HTTP ${denied.status})`)
  // The removed member's open window: the group leaves his sidebar, the window he had open on it
  // closes, and he is told why.
  await poll(async () => await bobItem.count() === 0, { message: 'the group leaves Bob\'s sidebar once he is removed' })
  await poll(() => new URL(bobPage.url()).pathname !== `/c/${conversation.id}`,
    { message: `Bob's window leaves the conversation he was removed from (still at ${bobPage.url()})` })
  await bobPage.getByText('You no longer have access to this conversation', { exact: true }).first().waitFor()
  await screenshot(bobPage, 'removed-member-window')
  await bobPage.locator(`[data-testid="conversation-item"][data-conversation-id="${ids.general}"]`).click()
  await bobPage.waitForURL(`**/c/${ids.general}`)

  // The audit log recorded all three actions.
  await page.getByTestId('admin-nav').getByRole('link', { name: 'Audit log' }).click()
  await page.waitForURL('**/admin/audit')
  for (const label of ['Added participant', 'Changed role', 'Removed participant']) {
    await page.getByTestId('admin-audit-row').filter({ hasText: label }).filter({ hasText: title }).first().waitFor()
  }
  env.adminPage = page
}

export async function memberKeptOutOfAdmin(env) {
  const page = env.pair && !env.pair.alice.isClosed()
    ? env.pair.alice
    : await (async () => {
        const context = await newContext(env)
        const p = await newPage(context, 'alice')
        await loginViaForm(p, USERS.alice.email)
        return p
      })()

  // The member's menu has no Admin entry.
  await page.getByTestId('user-menu').click()
  await page.getByRole('menuitem', { name: 'Sign out' }).waitFor()
  assert(await page.getByRole('menuitem', { name: 'Admin' }).count() === 0, 'a member sees the Admin entry in the user menu')
  await page.keyboard.press('Escape')

  for (const path of ['/admin', '/admin/conversations', `/admin/conversations/${env.ids.general}`, '/admin/audit']) {
    await page.goto(path)
    await poll(async () => !new URL(page.url()).pathname.startsWith('/admin'), { message: `a member is redirected away from ${path} (still at ${page.url()})` })
    await page.getByTestId('message-list').or(page.getByTestId('conversation-item').first()).first().waitFor()
    assert(await page.getByTestId('admin-nav').count() === 0, `${path}: the admin navigation is shown to a member`)
    assert(await page.getByTestId('admin-conversation-row').count() === 0 && await page.getByTestId('admin-participant-row').count() === 0,
      `${path}: admin tables are shown to a member`)
  }

  const res = await env.rest.call('GET', '/api/admin/conversations', { token: env.tokens.alice })
  assert(res.status === 403, `GET /api/admin/conversations as a member → ${res.status}, expected 403`)
  assert(res.data?.error?.code === 'FORBIDDEN', `error code is ${res.data?.error?.code}, expected FORBIDDEN`)
  const anon = await env.rest.call('GET', '/api/admin/conversations')
  assert(anon.status === 401, `GET /api/admin/conversations without a token → ${anon.status}, expected 401`)
}

/**
 * Scenario 4c: the admin filters the conversation manager, opens a conversation, reads its history
 * (a deleted message marked, a linked message highlighted) and locks it; the member's open window
 * shows the locked banner at once.
 */
export async function adminLocksConversation(env) {
  const { rest, ids, tokens, users } = env
  const title = `e2e-lock-${nonce()}`
  const { conversation } = await rest.ok('POST', `/api/projects/${ids.projectId}/conversations`, { token: tokens.alice, body: { title, type: 'group', participantIds: [users.bob.id] } })
  const post = async content => (await rest.ok('POST', `/api/conversations/${conversation.id}/messages`, { token: tokens.alice, body: { clientId: crypto.randomUUID(), content } })).message
  const kept = await post('the plan for today')
  const removed = await post('this one goes away')
  await rest.ok('DELETE', `/api/messages/${removed.id}`, { token: tokens.alice })

  // Bob has the conversation open while the admin works.
  const bobPage = (await ensurePair(env)).bob
  await bobPage.goto(`/c/${conversation.id}`)
  await bobPage.getByTestId('composer-input').waitFor()
  assert(await bobPage.getByTestId('composer-locked-banner').count() === 0, 'the locked banner shows before the lock')

  let page = env.adminPage && !env.adminPage.isClosed() ? env.adminPage : null
  if (!page) {
    page = await newPage(await newContext(env), 'admin')
    await loginViaForm(page, USERS.admin.email)
  }
  await page.goto('/admin/conversations')
  await page.getByTestId('admin-conversation-row').first().waitFor()

  // Filter: Bob's group conversations matching the title, sorted by messages.
  await page.getByTestId('admin-conversation-search').fill(title)
  await page.waitForURL(u => new URL(u).searchParams.get('q') === title)
  await page.getByTestId('admin-type-filter').click()
  await page.getByRole('option', { name: 'Group' }).click()
  await page.waitForURL(u => new URL(u).searchParams.get('type') === 'group')
  await page.getByTestId('admin-user-filter').click()
  await page.getByPlaceholder('Search people…').fill(USERS.bob.email)
  await page.getByRole('option').filter({ hasText: USERS.bob.email }).first().click()
  await page.waitForURL(u => new URL(u).searchParams.get('userId') === users.bob.id)
  await page.getByTestId('admin-sort-messageCount').click()
  await page.waitForURL(u => new URL(u).searchParams.get('sort') === 'messages')
  const row = page.getByTestId('admin-conversation-row').filter({ hasText: title })
  await poll(async () => await page.getByTestId('admin-conversation-row').count() === 1 && await row.count() === 1,
    { message: `the filters leave exactly "${title}"` })
  const url = new URL(page.url())
  for (const [key, value] of [['type', 'group'], ['userId', users.bob.id], ['q', title], ['sort', 'messages']]) {
    assert(url.searchParams.get(key) === value, `the URL keeps ${key}=${value} (${url.search})`)
  }
  // The link reproduces the view.
  await page.goto(url.pathname + url.search)
  await row.waitFor()
  assert(await page.getByTestId('admin-conversation-row').count() === 1, 'reloading the filtered URL shows the same single row')
  await row.getByRole('link', { name: title }).click()
  await page.waitForURL(`**/admin/conversations/${conversation.id}`)

  // The read-only history, linked to one message.
  await page.goto(`/admin/conversations/${conversation.id}?seq=${kept.seq}`)
  const target = page.locator(`[data-testid="admin-history-message"][data-seq="${kept.seq}"]`)
  await target.waitFor()
  assert(await target.getAttribute('aria-current') === 'true', 'the linked message is highlighted')
  const gone = page.locator(`[data-testid="admin-history-message"][data-seq="${removed.seq}"]`)
  await gone.getByText('this one goes away').waitFor()
  const deletedMark = await gone.getByTestId('admin-history-deleted').innerText()
  assert(deletedMark.startsWith(`Deleted by ${USERS.alice.name} · `), `the deleted message is marked with who deleted it: "${deletedMark}"`)
  await screenshot(page, 'admin-history')

  // Lock it.
  await page.getByTestId('admin-lock').click()
  await page.getByTestId('admin-confirm').click()
  await poll(async () => (await page.getByTestId('admin-conversation-status').innerText()).toLowerCase().includes('locked'), { message: 'the admin page shows the conversation locked' })
  const server = await rest.ok('GET', `/api/admin/conversations/${conversation.id}`, { token: tokens.admin })
  assert(server.conversation.status === 'locked', `the server has status ${server.conversation.status}`)

  // Bob's open window: the banner replaces the usable composer without a reload.
  const banner = bobPage.getByTestId('composer-locked-banner')
  await banner.waitFor({ timeout: 10_000 })
  assert((await banner.innerText()).includes('locked by an admin'), 'the banner says an admin locked the conversation')
  assert(await bobPage.getByTestId('composer-input').isDisabled(), 'Bob can still type into a locked conversation')
  await bobPage.getByText('An admin locked this conversation').first().waitFor()
  await screenshot(bobPage, 'member-locked-banner')

  // Unlock again: the banner goes away live too.
  await page.getByTestId('admin-unlock').click()
  await banner.waitFor({ state: 'detached', timeout: 10_000 })
  await screenshot(page, 'admin-conversation-detail')
}
