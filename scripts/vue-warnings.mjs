#!/usr/bin/env node
// Fails on any "[Vue warn]" the app prints in a browser: `node scripts/vue-warnings.mjs`.
//
// A production build prints no Vue warnings (Vue strips them), so the e2e suite cannot see them. This
// boots `nuxt dev` (its own build dir and a fresh PGlite data dir with the demo users) on a free port,
// drives the system Chromium through the main member paths (sign-in, a conversation, a thread, the
// emoji picker) and an admin's conversation history, and exits 1 when any page printed a Vue warning.
// VUE_WARN_BUILD_DIR picks the dev build dir (default .nuxt-vue-warnings); a warm one starts faster.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { LAUNCH_OPTIONS, USERS, loginViaForm, newContext, newPage, restClient, sleep, vueWarnLog } from '../test/e2e/lib/helpers.mjs'
import { freePort, ROOT, SUITE_AUTH_LIMITS } from '../test/support/instance.mjs'

const START_TIMEOUT_MS = Number(process.env.VUE_WARN_START_TIMEOUT_MS ?? 300_000)
/** The whole run's limit (the e2e scenario sets it below its own): past it the dev server is stopped and the run fails. */
const DEADLINE_MS = Number(process.env.VUE_WARN_DEADLINE_MS ?? 600_000)
const started = Date.now()
const log = message => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`)

const port = await freePort()
const baseUrl = `http://127.0.0.1:${port}`
const dataDir = mkdtempSync(join(tmpdir(), 'chat-vue-warnings-'))
let output = ''
const dev = spawn('npx', ['nuxt', 'dev', '--port', String(port), '--host', '127.0.0.1', '--no-qr'], {
  cwd: ROOT,
  // Its own process group, so stopping it stops the Nitro and Vite workers it starts too.
  detached: true,
  env: {
    ...process.env, ...SUITE_AUTH_LIMITS, NODE_ENV: 'development', DATA_DIR: dataDir,
    NUXT_BUILD_DIR: process.env.VUE_WARN_BUILD_DIR || '.nuxt-vue-warnings'
  },
  stdio: ['ignore', 'pipe', 'pipe']
})
dev.stdout.on('data', (d) => { output += d })
dev.stderr.on('data', (d) => { output += d })

/** Signals the dev server's process group (only the one this script started); a group already gone is fine. */
function signalGroup(signal) {
  try {
    process.kill(-dev.pid, signal)
  } catch (error) {
    if (error.code !== 'ESRCH') throw error
  }
}

let browser
let stopping = null
const stop = () => stopping ??= stopAll()
async function stopAll() {
  await browser?.close().catch(() => {})
  if (dev.exitCode === null) {
    signalGroup('SIGTERM')
    await Promise.race([new Promise(r => dev.once('close', r)), sleep(5000)])
    signalGroup('SIGKILL')
  }
  rmSync(dataDir, { recursive: true, force: true })
}

async function waitHealthy() {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) throw new Error(`nuxt dev exited (${dev.exitCode}):\n${output.slice(-3000)}`)
    const res = await fetch(`${baseUrl}/api/health`).catch(() => null)
    if (res?.ok) return
    await sleep(1000)
  }
  throw new Error(`nuxt dev not healthy within ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`)
}

/** The demo conversation "general" and its project, as Alice sees them. */
async function demoIds(rest) {
  const { accessToken } = await rest.login(USERS.alice.email)
  const { projects } = await rest.ok('GET', '/api/projects', { token: accessToken })
  const demo = projects.find(p => p.name === 'Demo')
  const { conversations } = await rest.ok('GET', `/api/projects/${demo.id}/conversations`, { token: accessToken })
  return { general: conversations.find(c => c.title === 'general').id }
}

/** A context with room for dev mode compiling each page on its first visit. */
async function devContext(env) {
  const context = await newContext(env)
  context.setDefaultTimeout(120_000)
  context.setDefaultNavigationTimeout(180_000)
  return context
}

async function memberPaths(env, ids) {
  const context = await devContext(env)
  const page = await newPage(context, 'member')
  await loginViaForm(page, USERS.alice.email)
  log('signed in as Alice')
  await page.goto(`/c/${ids.general}`)
  await page.getByTestId('message-item').first().waitFor({ timeout: 120_000 })
  await page.getByTestId('composer-input').waitFor()
  log('conversation open')
  const root = page.getByTestId('message-item').filter({ has: page.getByTestId('message-body') }).last()
  await root.hover()
  await root.getByTestId('message-thread').click()
  await page.getByTestId('thread-panel').first().waitFor({ timeout: 60_000 })
  log('thread open')
  await page.keyboard.press('Escape')
  await root.hover()
  await root.getByTestId('message-emoji-picker').click()
  await page.getByTestId('emoji-picker').first().getByTestId('emoji-option').first().waitFor({ timeout: 60_000 })
  log('emoji picker open')
  await page.keyboard.press('Escape')
  await sleep(500)
  await context.close()
}

async function adminPaths(env, ids) {
  const context = await devContext(env)
  const page = await newPage(context, 'admin')
  await loginViaForm(page, USERS.admin.email)
  // The admin screens' first visit makes Vite optimize their packages (charts) and reload the page once.
  await page.goto(`/admin/conversations/${ids.general}?view=history`, { waitUntil: 'commit' })
  await page.getByTestId('admin-history-message').first().waitFor({ timeout: 240_000 })
  log('admin history open')
  await sleep(500)
  await context.close()
}

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop().finally(() => process.exit(130)))
setTimeout(() => {
  console.error(`\n✖ not done within ${DEADLINE_MS / 1000} s:\n${output.trim().split('\n').slice(-30).join('\n')}`)
  void stop().finally(() => process.exit(1))
}, DEADLINE_MS).unref()

let code = 0
try {
  log(`starting nuxt dev on ${baseUrl}`)
  await waitHealthy()
  log('dev server healthy')
  browser = await chromium.launch(LAUNCH_OPTIONS)
  const rest = restClient(baseUrl)
  const env = { browser, baseUrl, rest, track: () => {} }
  const ids = await demoIds(rest)
  await memberPaths(env, ids)
  await adminPaths(env, ids)
} catch (error) {
  code = 1
  console.error(`\n✖ ${error?.stack ?? error}\n--- nuxt dev (tail) ---\n${output.trim().split('\n').slice(-30).join('\n')}`)
} finally {
  const warnings = [...new Set(vueWarnLog)]
  if (warnings.length) {
    code = 1
    console.error(`\n✖ ${warnings.length} Vue warning(s):\n${warnings.join('\n')}`)
  } else if (!code) {
    log('✔ no Vue warnings')
  }
  await stop()
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
process.exit(code)
