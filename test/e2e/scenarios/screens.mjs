// Scenario 5: screenshots of the main screens in light and dark mode.
import { assert, newContext, newPage, poll, screenshot } from '../lib/helpers.mjs'

async function expectColorMode(page, mode) {
  await poll(async () => (await page.evaluate(() => document.documentElement.classList.contains('dark'))) === (mode === 'dark'),
    { message: `${page.label}: <html> is in ${mode} mode` })
}

/** Lets transitions, toasts' entry and icons settle before a picture. */
async function settle(page) {
  await page.evaluate(() => document.fonts?.ready)
  await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))
}

export async function screenshots(env) {
  const { ids, sessions } = env
  const saved = []
  for (const mode of ['light', 'dark']) {
    // Login
    {
      const context = await newContext(env, { colorMode: mode })
      const page = await newPage(context, `login-${mode}`)
      await page.goto('/login')
      await page.getByTestId('login-submit').waitFor()
      await expectColorMode(page, mode)
      await settle(page)
      saved.push(await screenshot(page, `login-${mode}`))
      await context.close()
    }
    // Conversation (desktop), as Alice in #general
    {
      const context = await newContext(env, { colorMode: mode, session: sessions.alice })
      const page = await newPage(context, `conversation-${mode}`)
      await page.goto(`/c/${ids.general}`)
      await page.getByTestId('message-item').first().waitFor()
      await page.getByTestId('composer-input').waitFor()
      await expectColorMode(page, mode)
      await poll(async () => (await page.getByTestId('user-menu').innerText()).includes('Online'), { message: 'Alice is online' })
      await page.getByTestId('message-list').evaluate((list) => { list.scrollTop = list.scrollHeight })
      await settle(page)
      saved.push(await screenshot(page, `conversation-${mode}`))
      await context.close()
    }
    // Conversation at phone width
    {
      const context = await newContext(env, { colorMode: mode, session: sessions.alice, viewport: { width: 390, height: 844 }, mobile: true })
      const page = await newPage(context, `mobile-${mode}`)
      await page.goto(`/c/${ids.general}`)
      await page.getByTestId('message-item').first().waitFor()
      await expectColorMode(page, mode)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert(overflow <= 1, `mobile (${mode}): the page scrolls sideways by ${overflow}px`)
      const composer = await page.getByTestId('composer-input').boundingBox()
      assert(composer && composer.x >= 0 && composer.x + composer.width <= 391 && composer.y + composer.height <= 845,
        `mobile (${mode}): the composer is not fully on screen ${JSON.stringify(composer)}`)
      await settle(page)
      saved.push(await screenshot(page, `conversation-mobile-${mode}`))
      await context.close()
    }
    // Admin: conversations list and participants of #design
    {
      const context = await newContext(env, { colorMode: mode, session: sessions.admin })
      const page = await newPage(context, `admin-${mode}`)
      await page.goto('/admin/conversations')
      await poll(async () => await page.getByTestId('admin-conversation-row').count() >= 5, { message: 'admin conversation rows render' })
      await expectColorMode(page, mode)
      await settle(page)
      saved.push(await screenshot(page, `admin-conversations-${mode}`))
      await page.goto(`/admin/conversations/${ids.design}`)
      await poll(async () => await page.getByTestId('admin-participant-row').count() >= 2, { message: 'admin participant rows render' })
      await settle(page)
      saved.push(await screenshot(page, `admin-participants-${mode}`))
      await context.close()
    }
  }
  env.log(`  saved ${saved.length} screenshots in test-output/e2e/`)
}
