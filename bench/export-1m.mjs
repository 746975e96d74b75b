#!/usr/bin/env node
// Export of 1,000,000 messages: the built server on Postgres seeded by seedMillion (bench/lib/history.mjs),
// exported over HTTP with the server's RSS watched from /proc.
//
//   flock /tmp/chat-heavy.lock node bench/export-1m.mjs [--messages 1000000] [--reps 3] [--formats csv,ndjson] [--no-jobs]
//
// Needs `npm run services:up` and a build in NUXT_OUTPUT_DIR (default .output, as the tests build it).
// Uses a database of its own (BENCH_DATABASE_URL, default chat_export_bench) and Redis db 9, so it
// never resets what other benchmarks or tests use.
//
// Measured, per format:
//   - sync: GET /api/admin/conversations/:id/export of the big conversation (80 % of the rows), streamed
//     and counted by the client without keeping it;
//   - job:  POST /api/admin/exports for the whole project (every row), until done, then the file
//     downloaded over HTTP.
// For each run: rows/s, the server's RSS before, the highest RSS sampled every 50 ms during the run,
// and VmHWM (the process's peak RSS since it started) after it. Medians over the runs.
// Then the flat-memory proof: servers started with --max-old-space-size=<cap> MiB (--heap-cap,
// default 64,128) exports 10 %, 50 % and 100 % of the big conversation; a server that held the rows
// would die of heap exhaustion long before 800,000 rows (hundreds of MiB of output), and its RSS
// would grow with the export's size instead of staying level.
import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

process.env.BENCH_DATABASE_URL ??= 'postgres://chat:chat@127.0.0.1:54329/chat_export_bench'
process.env.BENCH_REDIS_URL ??= 'redis://127.0.0.1:63790/9'
process.env.NUXT_OUTPUT_DIR ??= '.output'

const { RESULTS_DIR, insertSessions, log, median, resetDatabase, servicesUp, signToken, sql, startChatServer, f } = await import('./lib/common.mjs')
const { seedMillion } = await import('./lib/history.mjs')

const { values: a } = parseArgs({
  options: {
    'messages': { type: 'string', default: '1000000' },
    'reps': { type: 'string', default: '3' },
    'formats': { type: 'string', default: 'csv,ndjson' },
    'no-jobs': { type: 'boolean', default: false },
    'heap-cap': { type: 'string', default: '64,128' }
  }
})
const total = Number(a.messages)
const reps = Number(a.reps)
const formats = a.formats.split(',')
const caps = a['heap-cap'].split(',').filter(Boolean).map(Number)

/** VmRSS and VmHWM of a process in MiB, from /proc/<pid>/status. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = name => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN)
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
}

/** Samples RSS every 50 ms until stopped; returns the highest value seen. */
function watchRss(pid) {
  let peak = memory(pid).rss
  const timer = setInterval(() => { peak = Math.max(peak, memory(pid).rss) }, 50)
  return () => {
    clearInterval(timer)
    return Math.max(peak, memory(pid).rss)
  }
}

/** Streams a response, counting bytes and line breaks, never holding more than one chunk. */
async function drain(res) {
  let bytes = 0
  let lines = 0
  for await (const chunk of res.body) {
    bytes += chunk.length
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
  }
  return { bytes, lines }
}

/** One streamed conversation export: rows (lines minus the header/metadata line), seconds, RSS before and peak. */
async function syncRun(server, headers, conversationId, format, query = '') {
  const before = memory(server.pid).rss
  const stop = watchRss(server.pid)
  const t0 = performance.now()
  const res = await fetch(`${server.url}/api/admin/conversations/${conversationId}/export?format=${format}${query}`, { headers })
  if (res.status !== 200) throw new Error(`sync ${format}: HTTP ${res.status} ${await res.text()}`)
  const { bytes, lines } = await drain(res)
  const seconds = (performance.now() - t0) / 1000
  return { rows: lines - 1, seconds, rowsPerSecond: (lines - 1) / seconds, bytes, rssBefore: before, rssPeak: stop(), hwm: memory(server.pid).hwm }
}

servicesUp()
await resetDatabase()
const server = await startChatServer({ env: { LOG_LEVEL: 'warn' } })
log(`server ${server.url} pid ${server.pid}`)
try {
  const seeded = await seedMillion({ total })
  const admin = { id: randomUUID(), email: `export-admin-${randomUUID().slice(0, 6)}@bench.local`, displayName: 'Export admin' }
  const db = sql({ max: 1 })
  await db.begin(async (tx) => {
    await tx`insert into profiles (id, email, display_name, role) values (${admin.id}, ${admin.email}, ${admin.displayName}, 'admin')`
    await insertSessions(tx, [admin])
  })
  const [{ projectId }] = await db`select project_id as "projectId" from conversations where id = ${seeded.bigId}`
  await db.end({ timeout: 5 })
  const token = await signToken(admin)
  const headers = { authorization: `Bearer ${token}` }
  const idle = memory(server.pid)
  log(`seeded ${seeded.tableRows} messages; server idle RSS ${f(idle.rss)} MiB, VmHWM ${f(idle.hwm)} MiB`)

  const results = []
  for (const format of formats) {
    // Rows per file: CSV has a header line, NDJSON a metadata line; seed sentences have no line breaks.
    const expectSync = seeded.bigCount + 1
    const sync = []
    for (let r = 0; r < reps; r++) {
      const run = await syncRun(server, headers, seeded.bigId, format)
      if (run.rows !== expectSync - 1) throw new Error(`sync ${format}: ${run.rows} rows, expected ${expectSync - 1}`)
      sync.push(run)
      log(`  sync ${format} #${r + 1}: ${run.rows} rows in ${f(run.seconds, 2)} s = ${f(run.rowsPerSecond, 0)} rows/s, ${f(run.bytes / 2 ** 20)} MiB; RSS ${f(run.rssBefore)} → peak ${f(run.rssPeak)} MiB; VmHWM ${f(run.hwm)} MiB`)
    }
    const jobs = []
    for (let r = 0; !a['no-jobs'] && r < Math.max(1, Math.ceil(reps / 2)); r++) {
      const before = memory(server.pid).rss
      const stop = watchRss(server.pid)
      const t0 = performance.now()
      const created = await fetch(`${server.url}/api/admin/exports`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ scope: { projectId }, format }) })
      const { export: job } = await created.json()
      let state = job
      while (state.status !== 'done' && state.status !== 'failed') {
        await new Promise(r => setTimeout(r, 250))
        state = (await (await fetch(`${server.url}/api/admin/exports/${job.id}`, { headers })).json()).export
      }
      const jobSeconds = (performance.now() - t0) / 1000
      if (state.status !== 'done') throw new Error(`job ${format} failed: ${state.error}`)
      const t1 = performance.now()
      const file = await fetch(`${server.url}${state.downloadUrl}`, { headers })
      const { bytes, lines } = await drain(file)
      const downloadSeconds = (performance.now() - t1) / 1000
      const peak = stop()
      if (lines !== seeded.tableRows + 1) throw new Error(`job ${format}: ${lines} lines, expected ${seeded.tableRows + 1}`)
      const run = { rows: state.rowsDone, seconds: jobSeconds, rowsPerSecond: state.rowsDone / jobSeconds, downloadSeconds, bytes, rssBefore: before, rssPeak: peak, hwm: memory(server.pid).hwm }
      jobs.push(run)
      log(`  job ${format} #${r + 1}: ${run.rows} rows in ${f(jobSeconds, 2)} s = ${f(run.rowsPerSecond, 0)} rows/s (download ${f(downloadSeconds, 2)} s, ${f(bytes / 2 ** 20)} MiB); RSS ${f(before)} → peak ${f(peak)} MiB; VmHWM ${f(run.hwm)} MiB`)
    }
    const summary = runs => runs.length
      ? {
          runs: runs.length,
          rows: runs[0].rows,
          medianSeconds: median(runs.map(x => x.seconds)),
          medianRowsPerSecond: median(runs.map(x => x.rowsPerSecond)),
          mib: runs[0].bytes / 2 ** 20,
          medianRssBefore: median(runs.map(x => x.rssBefore)),
          medianRssPeak: median(runs.map(x => x.rssPeak)),
          maxRssPeak: Math.max(...runs.map(x => x.rssPeak)),
          hwmAfter: runs.at(-1).hwm
        }
      : null
    results.push({ format, sync: summary(sync), job: summary(jobs), raw: { sync, jobs } })
  }

  // Flat memory: capped heaps, three export sizes each.
  await server.stop()
  const sweep = []
  const dbc = sql({ max: 1 })
  const [{ first }] = await dbc`select min(created_at) as first from messages where conversation_id = ${seeded.bigId}`
  await dbc.end({ timeout: 5 })
  for (const cap of caps) {
    const capped = await startChatServer({ env: { LOG_LEVEL: 'warn' }, nodeArgs: [`--max-old-space-size=${cap}`] })
    try {
      const capIdle = memory(capped.pid)
      for (const format of formats) {
        for (const share of [0.1, 0.5, 1]) {
          // Message g of the big conversation was written g seconds after the first: `to` picks a prefix.
          const to = new Date(new Date(first).getTime() + Math.round(seeded.bigCount * share) * 1000).toISOString()
          const run = await syncRun(capped, headers, seeded.bigId, format, share < 1 ? `&to=${encodeURIComponent(to)}` : '')
          sweep.push({ cap, format, share, idle: capIdle.rss, ...run })
          log(`  capped heap ${cap} MiB, ${format} ${share * 100}%: ${run.rows} rows in ${f(run.seconds, 2)} s = ${f(run.rowsPerSecond, 0)} rows/s, ${f(run.bytes / 2 ** 20)} MiB; RSS ${f(run.rssBefore)} → peak ${f(run.rssPeak)} MiB; VmHWM ${f(run.hwm)} MiB (idle ${f(capIdle.rss)})`)
        }
      }
    } finally {
      await capped.stop()
    }
  }

  const rows = results.flatMap(r => [['sync', r.sync], ['job', r.job]].filter(([, s]) => s).map(([kind, s]) =>
    `| ${r.format} | ${kind === 'sync' ? 'GET conversation export (big conversation)' : 'project export job + download'} | ${s.rows.toLocaleString('en')} | ${f(s.medianSeconds, 2)} | ${f(s.medianRowsPerSecond, 0)} | ${f(s.mib)} | ${f(s.medianRssBefore)} | ${f(s.medianRssPeak)} (+${f(s.medianRssPeak - s.medianRssBefore)}) | ${f(s.hwmAfter)} |`))
  const table = [
    `Seed: ${seeded.tableRows.toLocaleString('en')} messages (${seeded.bigCount.toLocaleString('en')} in one conversation, ${seeded.smallCount} × ${seeded.perSmall} in others); server idle RSS ${f(idle.rss)} MiB, VmHWM ${f(idle.hwm)} MiB after the seed; median of ${reps} sync runs, ${Math.max(1, Math.ceil(reps / 2))} job runs.`,
    '',
    '| format | what | rows | s | rows/s | file MiB | RSS before (MiB) | RSS peak during (MiB) | VmHWM after (MiB) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'The big conversation\'s export by size, on servers started with a capped V8 heap (--max-old-space-size):',
    '',
    '| heap cap (MiB) | format | share | rows | s | rows/s | file MiB | RSS before (MiB) | RSS peak during (MiB) | VmHWM after (MiB) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...sweep.map(r => `| ${r.cap} | ${r.format} | ${r.share * 100} % | ${r.rows.toLocaleString('en')} | ${f(r.seconds, 2)} | ${f(r.rowsPerSecond, 0)} | ${f(r.bytes / 2 ** 20)} | ${f(r.rssBefore)} | ${f(r.rssPeak)} | ${f(r.hwm)} |`)
  ].join('\n')
  console.log(table)
  mkdirSync(RESULTS_DIR, { recursive: true })
  const out = join(RESULTS_DIR, `export-1m-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(out, JSON.stringify({ total, reps, heapCapsMiB: caps, idle, sweep, seed: { ...seeded, readerToken: undefined, words: undefined, reader: undefined }, results }, null, 2))
  log(`results: ${out}`)
} finally {
  await server.stop()
}
