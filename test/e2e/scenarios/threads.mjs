// Scenario 3b: a thread reply reaches the other member in the thread panel, not in the timeline.
import { assert, bodyTexts, messagesWithText, newContext, newPage, nonce, poll, screenshot, sendAndConfirm } from '../lib/helpers.mjs'
import { ensurePair } from './chat.mjs'

export async function threadReplies(env) {
  const { alice, bob } = await ensurePair(env)
  const rootText = `Thread root ${nonce()}`
  const replyText = `Thread reply ${nonce()}`
  const rootId = await sendAndConfirm(alice, rootText)
  await poll(async () => (await messagesWithText(bob, rootText).count()) === 1, { message: 'Bob sees the root' })

  // The open thread is in the URL: Bob follows a link to it.
  await bob.goto(`/c/${env.ids.general}?thread=${rootId}`)
  const bobPanel = bob.getByTestId('thread-panel')
  await bobPanel.getByTestId('thread-root').getByText(rootText).waitFor()
  const input = bobPanel.getByTestId('thread-composer-input')
  await input.fill(replyText)
  await input.press('Enter')
  const bobReply = bobPanel.getByTestId('thread-replies').getByTestId('message-item').filter({ hasText: replyText })
  await poll(async () => await bobReply.getAttribute('data-status') === 'sent', { message: 'Bob\'s thread reply is confirmed' })

  // Alice: the root says "1 reply", the reply itself stays out of her timeline.
  const summary = alice.locator(`[data-testid="thread-summary"][data-root-id="${rootId}"]`)
  await poll(async () => (await summary.count()) === 1 && (await summary.innerText()).includes('1 reply'), { message: 'Alice sees "1 reply" under the root' })
  assert(!(await bodyTexts(alice)).some(text => text.includes(replyText)), 'the thread reply shows in Alice\'s main timeline')
  await summary.click()
  await poll(async () => new URL(alice.url()).searchParams.get('thread') === rootId, { message: 'opening the thread puts it in Alice\'s URL' })
  await alice.getByTestId('thread-panel').getByTestId('thread-replies').getByText(replyText).waitFor()
  await screenshot(alice, 'thread-panel')

  // At phone width the same link opens the thread in a slideover over the conversation.
  const phone = await newContext(env, { session: env.sessions.alice, viewport: { width: 390, height: 844 }, mobile: true })
  try {
    const page = await newPage(phone, 'thread-mobile')
    await page.goto(`/c/${env.ids.general}?thread=${rootId}`)
    const panel = page.getByRole('dialog').getByTestId('thread-panel')
    await panel.getByTestId('thread-replies').getByText(replyText).waitFor()
    // The slideover animates in: wait for it to settle on screen.
    const onScreen = async () => {
      const box = await panel.getByTestId('thread-composer-input').boundingBox()
      return !!box && box.x >= 0 && box.x + box.width <= 391 && box.y + box.height <= 845
    }
    await poll(onScreen, { message: 'the thread composer is on screen at phone width' })
    await screenshot(page, 'thread-mobile')
  } finally {
    await phone.close()
  }

  for (const page of [alice, bob]) {
    await page.getByTestId('thread-panel').getByTestId('thread-close').click()
    await poll(async () => (await page.getByTestId('thread-panel').count()) === 0, { message: `${page.label}: the thread panel closes` })
  }
}
