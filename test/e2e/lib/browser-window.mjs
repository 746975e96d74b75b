// A new browser context opens a new window, and Chromium builds part of a window's own interface as
// hidden web pages (chrome://omnibox-popup.top-chrome/ and its AI-mode variant in Chromium 156).
// They load in a renderer of their own right after the window opens: ~1.3 s of CPU on a 2-core box,
// which a page load started at once shares the cores with. A member's browser window is open before
// they type an address, so a timed load starts once the window's own pages have loaded and gone idle.

const SETTLE_EXPRESSION = `new Promise((resolve) => {
  const idle = () => requestIdleCallback(() => resolve(document.readyState), { timeout: 5000 })
  if (document.readyState === 'complete') idle()
  else addEventListener('load', idle, { once: true })
})`

/**
 * Resolves once every hidden page of the browser's own interface has loaded and reached an idle
 * period (none, as in headless-shell builds: at once). Gives up after `timeoutMs`, and skips a page
 * it cannot reach: the timing that follows then includes the rest of the window's start-up, as it did before.
 */
export async function browserWindowSettled(browser, { timeoutMs = 10_000 } = {}) {
  const session = await browser.newBrowserCDPSession()
  try {
    const { targetInfos } = await session.send('Target.getTargets')
    const hidden = targetInfos.filter(target => target.type === 'browser_ui')
    let timer
    const deadline = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs) })
    // A page that cannot be reached (closed meanwhile, not attachable) is not waited for.
    await Promise.race([Promise.all(hidden.map(target => settledTarget(session, target.targetId).catch(() => {}))), deadline])
    clearTimeout(timer)
  } finally {
    await session.detach().catch(() => {})
  }
}

/**
 * Evaluates SETTLE_EXPRESSION in one hidden page. Playwright's browser session cannot address a
 * flattened child session, so this uses the target-message channel (its answer arrives as an event).
 */
async function settledTarget(session, targetId) {
  const { sessionId } = await session.send('Target.attachToTarget', { targetId, flatten: false })
  const answered = new Promise((resolve) => {
    const onMessage = ({ sessionId: from, message }) => {
      if (from !== sessionId || JSON.parse(message).id !== 1) return
      session.off('Target.receivedMessageFromTarget', onMessage)
      resolve()
    }
    session.on('Target.receivedMessageFromTarget', onMessage)
  })
  await session.send('Target.sendMessageToTarget', {
    sessionId,
    message: JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: SETTLE_EXPRESSION, awaitPromise: true } })
  })
  await answered
  await session.send('Target.detachFromTarget', { sessionId }).catch(() => {})
}
