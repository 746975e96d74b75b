#!/usr/bin/env node
// Runs vitest groups side by side, one process each, and fails if any group fails. The integration
// files run one at a time against a shared server (fileParallelism: false), and vitest then runs
// every project of the same process one file at a time too: the component tests waited for the
// last integration file although they need nothing from it. Apart, the integration group mostly
// waits on its server while the other group keeps the CPU busy.
//
//   node scripts/test-suites.mjs "--project unit --project tooling --project nuxt" "--project integration"
//
// Each argument is one group's vitest arguments, optionally led by NAME=value settings for that
// group's environment (a database of its own, say); NICE=<n> runs the group at that niceness, so a
// group that mostly waits on its servers leaves the CPU to one whose tests time the UI. Output lines
// carry the group's name; a summary of each group's result and time closes the run, repeating the
// lines that name a failed test or file, since a group that failed early is far above the end of the log.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { stripVTControlCharacters } from 'node:util'

const ENV_SETTING = /^[A-Z_][A-Z0-9_]*=/
const groups = process.argv.slice(2).map((arg) => {
  const words = arg.split(/\s+/).filter(Boolean)
  const settings = words.filter(w => ENV_SETTING.test(w))
  return {
    env: Object.fromEntries(settings.map(w => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)])),
    args: words.filter(w => !ENV_SETTING.test(w))
  }
})
if (groups.length === 0) {
  console.error('usage: test-suites.mjs "<vitest args of group 1>" ["<vitest args of group 2>" …]')
  process.exit(2)
}

const nameOf = (args) => {
  const projects = args.filter((_, i) => args[i - 1] === '--project').join('+')
  const paths = args.filter((w, i) => !w.startsWith('-') && args[i - 1] !== '--project')
  const shard = args.find(w => w.startsWith('--shard='))?.slice('--shard='.length)
  // Several groups of one project are told apart by the folder or the shard each runs.
  return [projects, paths.length && paths.every(p => !p.endsWith('.ts')) ? paths.join('+') : '', shard ?? ''].filter(Boolean).join(':') || args.join(' ')
}

// vitest marks a failed test or file with ×, FAIL or ❯ (colours stripped for the match).
const FAILURE_LINE = /^\s*(×|FAIL\b|❯ .*\.test\.ts)/

const children = new Set()
// A ceiling (CI's timeout) or Ctrl-C stops every group, not just this process.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal)
    process.exit(1)
  })
}

const started = Date.now()
const results = await Promise.all(groups.map(({ env, args }) => new Promise((resolve) => {
  const name = nameOf(args)
  const { NICE: nice, ...own } = env
  const command = [...(nice ? ['nice', '-n', nice] : []), 'npx', 'vitest', 'run', ...args]
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...own } })
  children.add(child)
  const failures = new Set()
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      console.log(`[${name}] ${line}`)
      const plain = stripVTControlCharacters(line)
      if (FAILURE_LINE.test(plain) && failures.size < 40) failures.add(plain.trim())
    })
  }
  child.on('close', (code, signal) => resolve({ name, failures, code: code ?? (signal ? 1 : 0), seconds: Math.round((Date.now() - started) / 1000) }))
})))

console.log()
for (const r of results) {
  console.log(`${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}  ${r.name}  after ${r.seconds} s`)
  if (r.code !== 0) for (const line of r.failures) console.log(`    ${line}`)
}
process.exit(results.some(r => r.code !== 0) ? 1 : 0)
