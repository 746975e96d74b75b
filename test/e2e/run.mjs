#!/usr/bin/env node
// Browser end-to-end tests: `npm run test:e2e`.
//
// Builds the app when the build is missing or older than the sources (NUXT_BUILD_DIR /
// NUXT_OUTPUT_DIR choose where; FORCE_BUILD=1 always builds, E2E_SKIP_BUILD=1 uses any existing build), starts it on a free port with a
// fresh PGlite data dir (seeded demo users), and drives the system Chromium through
// playwright-core. Screenshots land in test-output/e2e/. E2E_ONLY=<substring> runs some scenarios.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { LAUNCH_OPTIONS, OUTPUT_DIR, USERS, cspViolationLog, pageErrorLog, restClient, screenshot, vueWarnLog } from './lib/helpers.mjs'
import { ensureBuilt, ROOT, startInstance, SUITE_AUTH_LIMITS } from '../support/instance.mjs'
import { markdownAndXss, offlineSend, twoMembersChat } from './scenarios/chat.mjs'
import { adminLocksConversation, adminParticipants, memberKeptOutOfAdmin } from './scenarios/admin.mjs'
import { screenshots } from './scenarios/screens.mjs'
import { threadReplies } from './scenarios/threads.mjs'
import { mentionAndScheduled } from './scenarios/compose.mjs'
import { accessibility } from './scenarios/a11y.mjs'
import { richMessaging } from './scenarios/rich.mjs'
import { reactionsAndActions } from './scenarios/reactions.mjs'
import { automodRules } from './scenarios/automod.mjs'
import { adminExports } from './scenarios/export.mjs'
import { moderationQueue } from './scenarios/moderation.mjs'
import { auditAndRetention } from './scenarios/audit-retention.mjs'
import { analyticsDrilldown } from './scenarios/analytics.mjs'
import { pwaInstallAndPush } from './scenarios/pwa.mjs'
import { notificationsInApp } from './scenarios/notifications.mjs'
import { offlineThatLosesNothing } from './scenarios/offline.mjs'
import { receiptsInDmAndGroup } from './scenarios/receipts.mjs'
import { pageWeight } from './scenarios/page-weight.mjs'

const SCENARIOS = [
  ['1 two members chat: send both ways, edit, delete, scroll history', twoMembersChat, 90_000],
  ['2 offline send: pending, then sent once and in order', offlineSend, 60_000],
  ['3 markdown renders, XSS payloads stay text', markdownAndXss, 45_000],
  ['3b reactions and the message toolbar', reactionsAndActions, 45_000],
  ['3c thread replies: in the thread panel, not the timeline', threadReplies, 45_000],
  ['3d @mention autocomplete, and a scheduled message arriving on its own', mentionAndScheduled, 45_000],
  ['3e receipts: a DM\'s ticks turn to "Read", "Seen by 1" in a group', receiptsInDmAndGroup, 45_000],
  ['4a admin manages participants in /admin', adminParticipants, 60_000],
  ['4b a member is kept out of /admin', memberKeptOutOfAdmin, 45_000],
  ['4c admin filters, reads the history and locks a conversation; the member sees it live', adminLocksConversation, 60_000],
  ['4d automod: a rule tried on recent messages, saved, blocks a member with its name', automodRules, 60_000],
  ['5 screenshots, light and dark', screenshots, 90_000],
  ['6 accessibility (axe-core): sign-in, conversation, thread panel, emoji picker', accessibility, 60_000],
  ['7 rich messaging: thumbnails, files gallery, scoped search, profile rename', richMessaging, 90_000],
  ['8 exports: admin conversation download and project job, a member\'s own transcript', adminExports, 90_000],
  ['9 moderation: report, queue, delete and mute from the report, seen live by both members', moderationQueue, 60_000],
  ['10 admin sets retention with its preview, audits and verifies the log, exports it', auditAndRetention, 60_000],
  ['11 analytics: an admin reads a figure and drills down from a day to its messages', analyticsDrilldown, 60_000],
  ['12 installable app: manifest, service worker, a push shown as a notification', pwaInstallAndPush, 60_000],
  ['13 notifications: a toast and the title for a mention elsewhere, muting stops them, settings, unreads and threads', notificationsInApp, 90_000],
  ['13b offline: a message written offline survives a reload without a network and is delivered once, two tabs, the banner on a phone', offlineThatLosesNothing, 120_000],
  ['15 page weight: sign-in and the first conversation on Fast 4G, bytes on the wire and LCP', pageWeight, 90_000],
  ['14 no Vue warnings on a development build: sign-in, conversation, thread, emoji picker, history', devBuildVueWarnings, 150_000]
]
const RUN_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 420_000)

/**
 * Vue strips its warnings from the production build the scenarios drive, so this one boots `nuxt dev`
 * apart (scripts/vue-warnings.mjs, ~40 s): sign-in, a conversation, a thread, the emoji picker and an
 * admin's history must print no "[Vue warn]". The script stops its dev server itself before the deadline.
 */
function devBuildVueWarnings(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'vue-warnings.mjs')], {
      env: { ...process.env, VUE_WARN_DEADLINE_MS: '140000' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    child.once('close', (code) => {
      const lines = output.trim().split('\n').filter(line => !line.startsWith('{'))
      if (code === 0) {
        env.log(`  ${lines.at(-2) ?? ''}`)
        resolve()
      } else {
        reject(new Error(lines.slice(-20).join('\n')))
      }
    })
  })
}

const log = (...args) => console.log(...args)
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

let server
let browser
let cleaningUp = null
let aborted = false

function cleanup() {
  cleaningUp ??= (async () => {
    await browser?.close().catch(() => {})
    await server?.stop().catch(() => {})
  })()
  return cleaningUp
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`\n${signal}: stopping`)
    void cleanup().finally(() => process.exit(130))
  })
}

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms) })
  ]).finally(() => clearTimeout(timer))
}

async function main() {
  if (!existsSync(LAUNCH_OPTIONS.executablePath)) {
    console.error(`\n✖ ${LAUNCH_OPTIONS.executablePath} not found. The e2e tests use the system Chromium and never download browsers.\n  Install it first, e.g.  sudo apt-get install -y chromium   (CI does this before npm run test:e2e)\n`)
    return 2
  }

  ensureBuilt({ log, useExisting: process.env.E2E_SKIP_BUILD === '1' })
  const buildDone = Date.now()
  // The scenarios sign in and up many times from 127.0.0.1.
  server = await startInstance({ name: 'e2e', env: SUITE_AUTH_LIMITS, timeoutMs: 90_000 })
  log(`server ${server.url} (pid ${server.pid}) healthy after ${elapsed()}`)

  // Watchdog: a hung browser or server must not hang CI.
  const watchdog = setTimeout(() => {
    aborted = true
    console.error(`\n✖ e2e run exceeded ${RUN_TIMEOUT_MS / 1000} s after the build — aborting`)
    void cleanup().finally(() => process.exit(1))
  }, RUN_TIMEOUT_MS)
  watchdog.unref()

  browser = await chromium.launch(LAUNCH_OPTIONS)
  log(`chromium ${browser.version()}`)

  const rest = restClient(server.url)
  const sessions = {}
  const tokens = {}
  const users = {}
  for (const who of Object.keys(USERS)) {
    const { accessToken, user } = await rest.login(USERS[who].email)
    sessions[who] = { token: accessToken, user }
    tokens[who] = accessToken
    users[who] = user
  }
  const { projects } = await rest.ok('GET', '/api/projects', { token: tokens.admin })
  const demo = projects.find(p => p.name === 'Demo')
  if (!demo) throw new Error(`seeded project "Demo" missing: ${JSON.stringify(projects)}`)
  const { conversations } = await rest.ok('GET', `/api/projects/${demo.id}/conversations`, { token: tokens.alice })
  const byTitle = t => conversations.find(c => c.title === t)?.id
  const ids = { projectId: demo.id, general: byTitle('general'), random: byTitle('random'), design: byTitle('design') }
  if (!ids.general || !ids.design) throw new Error(`seeded conversations missing: ${conversations.map(c => c.title).join(', ')}`)

  const contexts = []
  const warnings = []
  const env = {
    browser, baseUrl: server.url, rest, sessions, tokens, users, ids, pair: null,
    log,
    warn: (message) => { warnings.push(message); log(`  ⚠ ${message}`) },
    track: context => contexts.push(context),
    /** Closes every page the scenarios so far left open (their sockets, timers and renders): a measurement starts from a quiet browser. */
    async closeAll() {
      for (const context of contexts.splice(0)) await context.close().catch(() => {})
      env.pair = null
    }
  }

  const only = process.env.E2E_ONLY
  const results = []
  for (const [name, fn, timeout] of SCENARIOS) {
    if (aborted) break
    if (only && !only.split(',').some(o => name.includes(o))) continue
    const t0 = Date.now()
    const warnedBefore = vueWarnLog.length
    log(`\n▶ ${name}`)
    try {
      await withTimeout(fn(env), timeout, name)
      // A Vue warning is a bug the user does not see yet: the scenario that printed it fails.
      const vueWarnings = [...new Set(vueWarnLog.slice(warnedBefore))]
      if (vueWarnings.length) throw new Error(`Vue warnings:\n${vueWarnings.join('\n')}`)
      results.push({ name, ok: true, ms: Date.now() - t0 })
      log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    } catch (error) {
      results.push({ name, ok: false, ms: Date.now() - t0, error })
      log(`✖ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n  ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n  ')}`)
      // A picture of every open page, to see what the user saw.
      const slug = name.split(' ')[0]
      for (const context of contexts) {
        for (const [i, page] of context.pages().entries()) {
          if (page.isClosed()) continue
          const path = await screenshot(page, `FAIL-${slug}-${page.label ?? 'page'}-${i}`).catch(() => null)
          if (path) log(`  screenshot: ${path} (${page.url()})`)
        }
      }
      // The next scenario starts from fresh pages; a timed-out one may still be running in these.
      for (const context of contexts.splice(0)) await context.close().catch(() => {})
      env.pair = null
    }
  }

  // Uncaught errors inside the app are worth seeing even when the scenarios passed.
  for (const entry of new Set(pageErrorLog)) env.warn(`uncaught page error — ${entry}`)

  // The security headers must not cost the app anything: any CSP violation fails the run.
  const violations = [...new Set(cspViolationLog)]
  for (const v of violations) env.warn(`CSP violation — ${v}`)
  if (violations.length) results.push({ name: 'no CSP violations', ok: false, ms: 0, error: new Error(violations.join('\n')) })

  const failed = results.filter(r => !r.ok)
  log(`\n${results.length - failed.length}/${results.length} scenarios passed in ${elapsed()} (tests ${((Date.now() - buildDone) / 1000).toFixed(1)} s); screenshots in ${OUTPUT_DIR}`)
  for (const w of warnings) log(`  ⚠ ${w}`)
  for (const f of failed) log(`  ✖ ${f.name}: ${String(f.error?.message ?? f.error).split('\n')[0]}`)
  if (failed.length) {
    const tail = server.output().trim().split('\n').slice(-30).join('\n')
    if (tail) log(`\n--- server log (tail) ---\n${tail}`)
  }
  return failed.length || !results.length ? 1 : 0
}

let code
try {
  code = await main()
} catch (error) {
  console.error(`\n✖ e2e setup failed: ${error?.stack ?? error}`)
  code = 1
} finally {
  await cleanup()
}
process.exit(code)
