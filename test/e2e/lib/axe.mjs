// Accessibility checks with axe-core inside the page. The engine is evaluated through the
// DevTools protocol (page.evaluate), not injected as a <script>, so the app's CSP stays untouched.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { OUTPUT_DIR } from './helpers.mjs'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** Impacts that fail the run; moderate and minor ones are reported only. */
export const FAILING_IMPACTS = ['serious', 'critical']

/**
 * Violations outside this suite's reach, each with where it comes from: reported (and saved) as
 * known, not failing, and only for nodes inside `within` — any other node with the rule still fails.
 */
export const KNOWN_VIOLATIONS = []

/** Every check of the run, written to test-output/e2e/axe-report.json by writeAxeReport. */
const checks = []

/**
 * Runs axe on the page (or inside `include`, a CSS selector) against WCAG 2.x A/AA rules and
 * records the result under `name`. Returns the serious/critical violations.
 */
export async function checkA11y(page, name, { include } = {}) {
  await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async ({ include, known }) => {
    const context = include ? { include: [include] } : document
    const run = await window.axe.run(context, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
      elementRef: true
    })
    return run.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({
        target: n.target.join(' '),
        summary: n.failureSummary,
        known: known.find(k => k.id === v.id && n.element?.closest(k.within))?.reason ?? null
      }))
    }))
  }, { include, known: KNOWN_VIOLATIONS })
  checks.push({ name, url: page.url(), include: include ?? null, violations: result })
  // A violation fails unless every one of its nodes is a known one.
  return result
    .filter(v => FAILING_IMPACTS.includes(v.impact))
    .map(v => ({ ...v, nodes: v.nodes.filter(n => !n.known) }))
    .filter(v => v.nodes.length)
}

/** One line per failing violation, for the error message. */
export function describeViolations(violations) {
  return violations.map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target).join(', ')}${v.nodes.length > 3 ? ` (+${v.nodes.length - 3})` : ''}`).join('\n')
}

/** Serious/critical nodes that matched KNOWN_VIOLATIONS in the run, as "check: rule (reason)" lines. */
export function knownViolations() {
  const lines = new Set()
  for (const check of checks) {
    for (const v of check.violations) {
      if (!FAILING_IMPACTS.includes(v.impact)) continue
      for (const n of v.nodes) if (n.known) lines.add(`${check.name}: ${v.id} at ${n.target} (${n.known})`)
    }
  }
  return [...lines]
}

/** Writes every check of the run (all impacts) as JSON; returns the path. */
export function writeAxeReport() {
  const path = join(OUTPUT_DIR, 'axe-report.json')
  writeFileSync(path, JSON.stringify({ failingImpacts: FAILING_IMPACTS, checks }, null, 2))
  return path
}
