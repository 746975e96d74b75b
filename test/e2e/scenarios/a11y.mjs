// Scenario 6: axe-core on the sign-in page, a conversation, and (when present) the thread panel and emoji picker.
import { assert, newContext, newPage, poll, sleep } from '../lib/helpers.mjs'
import { checkA11y, describeViolations, knownViolations, writeAxeReport } from '../lib/axe.mjs'

/** Lets transitions finish so axe sees the settled colours. */
const settle = page => page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))

export async function accessibility(env) {
  const { ids, sessions } = env
  const failures = []
  const record = (name, violations) => {
    if (violations.length) failures.push(`${name}:\n${describeViolations(violations)}`)
    env.log(`  axe ${name}: ${violations.length ? `${violations.length} serious/critical` : 'no serious/critical violations'}`)
  }
  try {
    for (const mode of ['light', 'dark']) {
      const context = await newContext(env, { colorMode: mode })
      const page = await newPage(context, `a11y-login-${mode}`)
      await page.goto('/login')
      await page.getByTestId('login-submit').waitFor()
      await settle(page)
      record(`sign-in (${mode})`, await checkA11y(page, `sign-in-${mode}`))
      await context.close()
    }

    const context = await newContext(env, { session: sessions.alice })
    const page = await newPage(context, 'a11y-conversation')
    await page.goto(`/c/${ids.general}`)
    await page.getByTestId('message-item').first().waitFor()
    await page.getByTestId('composer-input').waitFor()
    await poll(async () => (await page.getByTestId('user-menu').innerText()).includes('Online'), { message: 'Alice is online' })
    await settle(page)
    record('conversation', await checkA11y(page, 'conversation'))

    // The thread panel and the emoji picker: checked where this build has them.
    const root = page.getByTestId('message-item').filter({ has: page.getByTestId('message-body') }).last()
    await root.hover()
    const threadOpener = root.locator('[data-testid="message-thread-open"], [data-testid="message-reply-thread"], [data-testid="thread-open"]').first()
    if (await threadOpener.count()) {
      await threadOpener.click()
      const panel = page.locator('[data-testid="thread-panel"]')
      await panel.waitFor({ timeout: 5000 }).catch(() => {})
      if (await panel.count()) {
        await sleep(300)
        record('thread panel', await checkA11y(page, 'thread-panel', { include: '[data-testid="thread-panel"]' }))
      }
    } else if (await page.locator('[data-testid="thread-panel"]').count()) {
      record('thread panel', await checkA11y(page, 'thread-panel', { include: '[data-testid="thread-panel"]' }))
    } else {
      env.log('  axe thread panel: not in this build, skipped')
    }
    await page.keyboard.press('Escape')
    await root.hover()
    const emojiOpener = page.locator('[data-testid="reaction-add"], [data-testid="message-react"], [data-testid="emoji-picker-open"], [data-testid="composer-emoji"]').first()
    if (await emojiOpener.count()) {
      await emojiOpener.click()
      const picker = page.locator('[data-testid="emoji-picker"]')
      await picker.waitFor({ timeout: 5000 }).catch(() => {})
      if (await picker.count()) {
        await sleep(300)
        record('emoji picker', await checkA11y(page, 'emoji-picker', { include: '[data-testid="emoji-picker"]' }))
      }
      await page.keyboard.press('Escape')
    } else {
      env.log('  axe emoji picker: not in this build, skipped')
    }

    // Screens of this change: the files gallery and the search modal.
    await page.goto(`/c/${ids.general}/files`)
    await page.getByTestId('files-gallery').first().waitFor()
    await settle(page)
    record('files gallery', await checkA11y(page, 'files-gallery'))
    await page.goto(`/c/${ids.general}`)
    await page.getByTestId('message-item').first().waitFor()
    await page.getByTestId('search-open').click()
    await page.getByTestId('search-input').waitFor()
    await settle(page)
    record('search modal', await checkA11y(page, 'search-modal'))
    await context.close()
  } finally {
    for (const line of knownViolations()) env.warn(`known accessibility issue outside the client — ${line}`)
    env.log(`  axe report: ${writeAxeReport()}`)
  }
  assert(!failures.length, `serious/critical accessibility violations:\n${failures.join('\n')}`)
}
