// Scenario 12: the installable app and its service worker. The manifest is served, linked and
// parsed by Chromium without errors (icons of the sizes it names); /sw.js registers and controls the
// page without any CSP violation; a push delivered to the worker through the DevTools protocol (as a
// push service would) shows a notification with the message's title, body and link; opening a
// message from the worker navigates the open tab inside the app.
import { assert, cspViolationLog, newContext, newPage, poll, sleep } from '../lib/helpers.mjs'

/** Width and height of a PNG from its IHDR chunk. */
function pngSize(bytes) {
  assert(bytes.subarray(1, 4).toString('latin1') === 'PNG', 'icon is not a PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

export async function pwaInstallAndPush(env) {
  const context = await newContext(env, { session: env.sessions.alice })
  await context.grantPermissions(['notifications'], { origin: env.baseUrl })
  const page = await newPage(context, 'pwa')
  const violationsBefore = cspViolationLog.length
  const cdp = await context.newCDPSession(page)
  // Registrations are announced on this session; listen before the page registers its worker.
  const registrations = []
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => registrations.push(...updated))
  await cdp.send('ServiceWorker.enable')

  await page.goto('/')
  await page.getByTestId('conversation-item').first().waitFor()

  // The manifest: linked from the page, served as JSON, parsed by Chromium without errors.
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  assert(href === '/manifest.webmanifest', `manifest link is ${href}`)
  assert(await page.locator('meta[name="theme-color"]').getAttribute('content'), 'no theme-color meta')
  const res = await page.request.get(href)
  assert(res.status() === 200, `manifest answered ${res.status()}`)
  assert(/json/.test(res.headers()['content-type'] ?? ''), `manifest content-type ${res.headers()['content-type']}`)
  const manifest = await res.json()
  assert(manifest.name && manifest.short_name && manifest.start_url === '/' && manifest.display === 'standalone', `manifest fields: ${JSON.stringify(manifest)}`)
  const { errors, url } = await cdp.send('Page.getAppManifest')
  assert(url.endsWith('/manifest.webmanifest'), `Chromium read the manifest at ${url}`)
  assert(errors.length === 0, `manifest errors: ${JSON.stringify(errors)}`)
  for (const want of [{ size: 192, purpose: 'any' }, { size: 512, purpose: 'any' }, { size: 512, purpose: 'maskable' }]) {
    const icon = manifest.icons.find(i => i.sizes === `${want.size}x${want.size}` && (i.purpose ?? 'any').split(' ').includes(want.purpose))
    assert(icon, `no ${want.purpose} icon of ${want.size} px`)
    const image = await page.request.get(icon.src)
    assert(image.status() === 200 && image.headers()['content-type'] === 'image/png', `${icon.src} answered ${image.status()} ${image.headers()['content-type']}`)
    const { width, height } = pngSize(await image.body())
    assert(width === want.size && height === want.size, `${icon.src} is ${width}x${height}`)
  }

  // The service worker registers, activates and controls the page.
  const worker = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready
    return { scope: reg.scope, script: reg.active?.scriptURL, state: reg.active?.state }
  })
  assert(worker.scope === `${env.baseUrl}/` && worker.script === `${env.baseUrl}/sw.js`, `service worker: ${JSON.stringify(worker)}`)
  await poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { message: 'the service worker controls the page' })
  // Playwright's contexts are off the record, which alone blocks installing; every other criterion must hold.
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  const blocking = installabilityErrors.filter(e => e.errorId !== 'in-incognito')
  assert(blocking.length === 0, `not installable: ${JSON.stringify(blocking)}`)

  // A push as a push service would hand it to the browser: the worker shows it.
  const registration = await poll(() => registrations.find(r => r.scopeURL === `${env.baseUrl}/` && !r.isDeleted), { message: 'the registration announced over DevTools' })
  const push = { title: 'Bob', body: 'Lunch at noon?', url: '/c/00000000-0000-4000-8000-000000000000#m-7', tag: 'conversation-00000000-0000-4000-8000-000000000000', kind: 'dm' }
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: env.baseUrl, registrationId: registration.registrationId, data: JSON.stringify(push) })
  const shown = await poll(() => page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready
    const list = await reg.getNotifications()
    return list.length ? list.map(n => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url })) : null
  }), { message: 'a notification shown for the push' })
  assert(shown.length === 1, `notifications: ${JSON.stringify(shown)}`)
  assert(shown[0].title === push.title && shown[0].body === push.body && shown[0].tag === push.tag && shown[0].url === push.url, `notification: ${JSON.stringify(shown[0])}`)

  // A push without a preview (the member turned previews off) still says what happened, never the text.
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: env.baseUrl, registrationId: registration.registrationId, data: JSON.stringify({ ...push, body: '', tag: 'quiet' }) })
  const quiet = await poll(() => page.evaluate(async () => {
    const list = await (await navigator.serviceWorker.ready).getNotifications({ tag: 'quiet' })
    return list[0]?.body
  }), { message: 'the preview-less notification' })
  assert(quiet === 'New message', `preview-less body: ${quiet}`)

  // A click on a notification, with the app open: the worker finds this tab and the app navigates
  // inside itself (the socket stays up). Only a real click may focus a window; the message goes regardless.
  const sw = context.serviceWorkers().find(w => w.url() === `${env.baseUrl}/sw.js`) ?? await context.waitForEvent('serviceworker')
  // eslint-disable-next-line no-undef -- a function of public/sw.js, evaluated inside the worker
  await sw.evaluate(path => openMessage(path), `/c/${env.ids.general}#m-1`)
  await page.waitForURL(`**/c/${env.ids.general}#m-1`)
  await page.getByTestId('message-list').waitFor()

  await sleep(200)
  const violations = cspViolationLog.slice(violationsBefore).filter(v => v.startsWith('pwa:'))
  assert(violations.length === 0, `CSP violations: ${violations.join('; ')}`)
  assert(page.pageErrors.length === 0, `page errors: ${page.pageErrors.join('; ')}`)
  await context.close()
}
