// Small waiting/assertion helpers and REST + browser shortcuts shared by the scenarios.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { logInAccount, request, signUpAccount } from '../../support/client.mjs'
import { ROOT } from '../../support/instance.mjs'

export const OUTPUT_DIR = join(ROOT, 'test-output', 'e2e')
mkdirSync(OUTPUT_DIR, { recursive: true })

export const PASSWORD = 'password'
export const USERS = {
  alice: { email: 'alice@example.com', name: 'Alice' },
  bob: { email: 'bob@example.com', name: 'Bob' },
  admin: { email: 'admin@example.com', name: 'Admin' }
}

export const sleep = ms => new Promise(r => setTimeout(r, ms))
export const nonce = () => randomUUID().slice(0, 8)

export class AssertionError extends Error {}

export function assert(condition, message) {
  if (!condition) throw new AssertionError(message)
}

/** Retries `fn` until it returns something truthy (exceptions count as "not yet"). */
export async function poll(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let lastError
  for (;;) {
    try {
      const value = await fn()
      if (value) return value
      lastError = undefined
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) {
      throw new AssertionError(`${message} — not true within ${timeout} ms${lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : ''}`)
    }
    await sleep(interval)
  }
}

/** A tiny REST client for one base URL, on the suites' shared client (test/support/client.mjs). */
export function restClient(baseUrl) {
  const call = async (method, path, { token, body } = {}) => {
    const res = await request(baseUrl, method, path, { token, body })
    return { status: res.status, data: res.body }
  }
  async function ok(method, path, options) {
    const res = await call(method, path, options)
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.data)}`)
    return res.data
  }
  return {
    call,
    ok,
    login: async (email, password = PASSWORD) => {
      const { token, user } = await logInAccount(baseUrl, email, password)
      return { accessToken: token, user }
    },
    /** A new session's refresh cookie value (each browser context needs its own: refresh tokens rotate). */
    refreshCookie: async (email, password = PASSWORD) => (await logInAccount(baseUrl, email, password)).cookie,
    signup: async (email, displayName, password = PASSWORD) => {
      const { token, user } = await signUpAccount(baseUrl, { email, displayName, password })
      return { accessToken: token, user }
    }
  }
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
// The system Chromium (Debian package); E2E_CHROMIUM points elsewhere. Browsers are never downloaded.
export const LAUNCH_OPTIONS = { executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS }

/**
 * Opens a browser context with the app's base URL. `session` ({ token, user }) signs that user in
 * with a fresh session's refresh cookie, as a reload would; `colorMode` pins 'light' or 'dark' before any script runs.
 */
export async function newContext(env, { session, colorMode, viewport = { width: 1280, height: 800 }, mobile = false } = {}) {
  const context = await env.browser.newContext({
    baseURL: env.baseUrl,
    viewport,
    ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    ...(colorMode ? { colorScheme: colorMode } : {})
  })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(20_000)
  if (session) {
    const value = await env.rest.refreshCookie(session.user.email)
    await context.addCookies([{ name: 'chat_refresh', value, domain: new URL(env.baseUrl).hostname, path: '/api/auth', httpOnly: true, sameSite: 'Strict' }])
  }
  await context.addInitScript(({ colorMode }) => {
    // Reported to the run through the console: the page's CSP must never block the app itself.
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`[csp-violation] ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || location.pathname}:${e.lineNumber}`)
    })
    if (colorMode) localStorage.setItem('nuxt-color-mode', colorMode)
  }, { colorMode: colorMode ?? null })
  env.track(context)
  return context
}

/** Uncaught errors of every page the run opened, as "label: message". */
export const pageErrorLog = []

/** Content-Security-Policy violations any page of the run reported, as "label: directive …". */
export const cspViolationLog = []

/**
 * Vue's warnings any page printed, as "label: [Vue warn]: …" (first line). A production build prints
 * none (Vue strips them), so this catches them on a development build; scripts/vue-warnings.mjs runs one.
 */
export const vueWarnLog = []

/** A page that records what a user would never want: uncaught errors, dialogs and CSP violations. */
export async function newPage(context, label) {
  const page = await context.newPage()
  page.label = label
  page.pageErrors = []
  page.dialogs = []
  page.on('pageerror', (error) => {
    page.pageErrors.push(error.message)
    pageErrorLog.push(`${label}: ${error.message.split('\n')[0]}`)
  })
  page.on('console', (message) => {
    const text = message.text()
    if (text.startsWith('[csp-violation]') || /Content Security Policy/i.test(text)) cspViolationLog.push(`${label}: ${text}`)
    if (text.startsWith('[Vue warn]')) vueWarnLog.push(`${label}: ${text.split('\n')[0]}`)
  })
  page.on('dialog', (dialog) => {
    page.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    dialog.dismiss().catch(() => {})
  })
  return page
}

/** Signs in through the login form and waits until the app left /login. */
export async function loginViaForm(page, email, password = PASSWORD) {
  await page.goto('/login')
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL(url => !url.pathname.startsWith('/login'), { timeout: 15_000 })
}

/** Opens a conversation by clicking it in the sidebar and waits for its history. */
export async function openConversation(page, conversationId) {
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`).first().click()
  await page.waitForURL(`**/c/${conversationId}`)
  await page.getByTestId('message-list').waitFor()
  await page.getByTestId('message-item').first().waitFor()
}

/** Message rows whose body contains `text` (use unique texts). */
export function messagesWithText(page, text) {
  return page.getByTestId('message-list').getByTestId('message-item')
    .filter({ has: page.getByTestId('message-body').filter({ hasText: text }) })
}

export async function sendMessage(page, text) {
  const input = page.getByTestId('composer-input')
  await input.fill(text)
  await input.press('Enter')
}

/** Sends through the composer and waits for the server to confirm (data-status="sent"). */
export async function sendAndConfirm(page, text) {
  await sendMessage(page, text)
  const item = messagesWithText(page, text)
  await poll(async () => (await item.count()) === 1 && await item.getAttribute('data-status') === 'sent', { message: `"${text}" confirmed as sent on ${page.label}` })
  return item.getAttribute('data-message-id')
}

/** Texts of all message bodies in DOM order. */
export function bodyTexts(page) {
  return page.getByTestId('message-list').getByTestId('message-body').allInnerTexts()
}

export async function screenshot(page, name) {
  const path = join(OUTPUT_DIR, `${name}.png`)
  await page.screenshot({ path })
  return path
}
