#!/usr/bin/env node
// How a long conversation behaves in the browser: starts a built server, serves #general's history
// as COUNT messages, and measures in Chromium the time from clicking the conversation to its latest
// message on screen, the elements the list holds, and a scroll from the latest message to the first.
//
//   node scripts/long-conversation.mjs [--output .output] [--count 5000] [--runs 3] [--timeout 300]
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { LAUNCH_OPTIONS, USERS, restClient } from '../test/e2e/lib/helpers.mjs'
import { SUITE_AUTH_LIMITS, outputDir, startInstance } from '../test/support/instance.mjs'

const { values } = parseArgs({ options: { output: { type: 'string' }, count: { type: 'string', default: '5000' }, runs: { type: 'string', default: '3' }, timeout: { type: 'string', default: '300' } } })
const COUNT = Number(values.count)
const RUNS = Number(values.runs)
const TIMEOUT_MS = Number(values.timeout) * 1000

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** COUNT messages shaped like the server's, two senders taking turns, a minute apart across several days. */
function history(template, senders, conversationId) {
  const start = Date.now() - COUNT * 60_000
  return Array.from({ length: COUNT }, (_, i) => {
    const seq = i + 1
    const sender = senders[Math.floor(i / 3) % senders.length]
    const content = `Message ${seq}: ${'the quick brown fox jumps over the lazy dog '.repeat(1 + (seq % 5))}`.trim()
    return {
      ...template, id: randomUUID(), conversationId, seq, updatedSeq: seq, clientId: randomUUID(), senderId: sender.id, sender,
      type: 'text', content, contentHtml: `<p>${content}</p>`, createdAt: new Date(start + i * 60_000).toISOString(),
      editedAt: null, deletedAt: null, pinnedAt: null, replyToId: null, replyTo: null, threadRootId: null, replyCount: 0, thread: null,
      reactions: [], attachments: []
    }
  })
}

const server = await startInstance({ name: 'long', env: SUITE_AUTH_LIMITS, outputDir: values.output ? outputDir(values.output) : undefined, timeoutMs: 90_000 })
const browser = await chromium.launch(LAUNCH_OPTIONS)
try {
  const rest = restClient(server.url)
  const alice = await rest.login(USERS.alice.email)
  const bob = await rest.login(USERS.bob.email)
  const token = alice.accessToken
  const { projects } = await rest.ok('GET', '/api/projects', { token })
  const demo = projects.find(p => p.name === 'Demo')
  const { conversations } = await rest.ok('GET', `/api/projects/${demo.id}/conversations`, { token })
  const general = conversations.find(c => c.title === 'general').id
  const random = conversations.find(c => c.title === 'random').id
  await rest.ok('POST', `/api/conversations/${general}/messages`, { token, body: { clientId: randomUUID(), content: 'template' } })
  const { messages: [template] } = await rest.ok('GET', `/api/conversations/${general}/messages?limit=1`, { token })
  const toSender = u => ({ id: u.id, displayName: u.displayName, avatarUrl: u.avatarUrl ?? null })
  const messages = history(template, [toSender(alice.user), toSender(bob.user)], general)
  const last = messages.at(-1)

  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } })
  await context.addCookies([{ name: 'chat_refresh', value: await rest.refreshCookie(USERS.alice.email), domain: new URL(server.url).hostname, path: '/api/auth', httpOnly: true, sameSite: 'Strict' }])
  // The history the client reads: the whole conversation as its newest page, nothing older.
  await context.route(url => url.pathname === `/api/conversations/${general}/messages`, route =>
    route.fulfill({ json: new URL(route.request().url()).searchParams.has('beforeSeq') ? { messages: [], hasMore: false } : { messages, hasMore: false } }))
  const page = await context.newPage()
  await page.goto(`/c/${random}`)
  await page.getByTestId('message-list').waitFor()

  const opens = []
  const scrolls = []
  let dom
  for (let run = 0; run < RUNS; run++) {
    if (run) {
      await page.locator(`[data-testid="conversation-item"][data-conversation-id="${random}"]`).first().click()
      await page.waitForURL(`**/c/${random}`)
    }
    const t0 = Date.now()
    await page.locator(`[data-testid="conversation-item"][data-conversation-id="${general}"]`).first().click()
    const shown = await page.locator(`[data-message-id="${last.id}"]`).waitFor({ state: 'visible', timeout: TIMEOUT_MS }).then(() => true, () => false)
    if (!shown) {
      const rows = await page.getByTestId('message-item').count()
      await page.screenshot({ path: 'test-output/long-conversation-timeout.png' })
      console.log(JSON.stringify({ count: COUNT, error: `the latest message was not on screen after ${TIMEOUT_MS / 1000} s`, rowsInDom: rows }))
      break
    }
    opens.push(Date.now() - t0)
    await page.waitForTimeout(1000)
    dom = await page.getByTestId('message-list').evaluate(list => ({
      rows: list.querySelectorAll('[data-testid="message-item"]').length,
      listElements: list.querySelectorAll('*').length,
      pageElements: document.querySelectorAll('*').length,
      heapMB: Math.round((performance.memory?.usedJSHeapSize ?? 0) / 1e6)
    }))
    console.log(JSON.stringify({ run, openMs: opens.at(-1), dom }))
    // A reader paging up a screen per frame from the latest message to the first.
    scrolls.push(await page.getByTestId('message-list').evaluate(async (list) => {
      const frame = () => new Promise(r => requestAnimationFrame(r))
      const started = performance.now()
      let worst = 0
      let previous = performance.now()
      let steps = 0
      for (let still = 0; still < 5 && steps < 20_000 && performance.now() - started < 60_000; steps++) {
        const before = list.scrollTop
        list.scrollTop = Math.max(0, before - list.clientHeight)
        await frame()
        const now = performance.now()
        worst = Math.max(worst, now - previous)
        previous = now
        still = list.scrollTop === before ? still + 1 : 0
      }
      return { ms: Math.round(performance.now() - started), steps, reachedTop: list.scrollTop === 0, worstFrameMs: Math.round(worst) }
    }))
  }
  if (opens.length) console.log(JSON.stringify({ count: COUNT, openMs: opens, openMedianMs: median(opens), dom, scroll: scrolls }, null, 2))
} finally {
  await browser.close().catch(() => {})
  await server.stop()
}
