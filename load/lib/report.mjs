// The run's reports: <name>-summary.json and a self-contained <name>.html (inline SVG charts,
// no scripts, no network) in test-output/load/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @typedef {import('./driver.mjs').Summary} Summary */

/** @param {unknown} s */
const esc = s => String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)
/** @param {number | null | undefined} v @param {number} [d] */
const f = (v, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d))

const W = 760
const H = 220
const PAD = { l: 56, r: 16, t: 14, b: 30 }

/**
 * A line chart of several series over seconds of the run, optionally with a log y axis.
 * @param {string} title
 * @param {{ name: string, color: string, points: [number, number | null][] }[]} lines
 * @param {{ yLabel: string, log?: boolean, marker?: number | null }} o
 */
function lineChart(title, lines, o) {
  const xs = lines.flatMap(l => l.points.map(p => p[0]))
  const ys = lines.flatMap(l => l.points.map(p => p[1])).filter(/** @returns {v is number} */ v => v !== null && Number.isFinite(v))
  if (!xs.length || !ys.length) return `<h3>${esc(title)}</h3><p>no samples</p>`
  const x0 = Math.min(...xs)
  const x1 = Math.max(...xs, x0 + 1)
  const yMin = o.log ? Math.max(0.1, Math.min(...ys.filter(v => v > 0), 1)) : 0
  const yMax = Math.max(...ys, o.log ? yMin * 10 : 1)
  /** @param {number} v */
  const ty = v => (o.log ? Math.log10(Math.max(v, yMin)) : v)
  const [a, b] = [ty(yMin), ty(yMax)]
  /** @param {number} x */
  const px = x => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r)
  /** @param {number} y */
  const py = y => H - PAD.b - ((ty(y) - a) / (b - a || 1)) * (H - PAD.t - PAD.b)
  const ticks = o.log
    ? Array.from({ length: Math.floor(b) - Math.ceil(a) + 1 }, (_, i) => 10 ** (Math.ceil(a) + i))
    : Array.from({ length: 5 }, (_, i) => (yMax * i) / 4)
  const grid = ticks.map(v => `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#e5e7eb"/><text x="${PAD.l - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${esc(v >= 100 ? v.toFixed(0) : +v.toPrecision(2))}</text>`).join('')
  const xt = Array.from({ length: 6 }, (_, i) => x0 + ((x1 - x0) * i) / 5).map(x => `<text x="${px(x).toFixed(1)}" y="${H - 10}" text-anchor="middle">${x.toFixed(0)} s</text>`).join('')
  const paths = lines.map((l) => {
    let d = ''
    let pen = false
    for (const [x, y] of l.points) {
      if (y === null || !Number.isFinite(y)) { pen = false; continue }
      d += `${pen ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`
      pen = true
    }
    return `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.6"/>`
  }).join('')
  const marker = o.marker === null || o.marker === undefined ? '' : `<line x1="${px(o.marker)}" x2="${px(o.marker)}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="#dc2626" stroke-dasharray="4 3"/><text x="${px(o.marker) + 4}" y="${PAD.t + 10}" fill="#dc2626">instance killed</text>`
  const legend = lines.map((l, i) => `<tspan x="${PAD.l + 8 + i * 170}" fill="${l.color}">■ ${esc(l.name)}</tspan>`).join('')
  return `<h3>${esc(title)}</h3><svg viewBox="0 0 ${W} ${H + 16}" width="${W}" role="img" aria-label="${esc(title)}">
<g font-size="11" fill="#374151">${grid}${xt}<text x="12" y="${PAD.t + 4}" transform="rotate(-90 12 ${H / 2})">${esc(o.yLabel)}</text></g>${paths}${marker}
<text y="${H + 12}" font-size="12">${legend}</text></svg>`
}

/**
 * Latency distribution: bar heights per log-spaced bin, one color per metric.
 * @param {string} title @param {{ name: string, color: string, bins: [number, number][] }[]} sets
 */
function histogramChart(title, sets) {
  const all = sets.flatMap(s => s.bins)
  if (!all.length) return `<h3>${esc(title)}</h3><p>no samples</p>`
  const lo = Math.log10(Math.max(0.1, Math.min(...all.map(b => b[0])) / 1.2))
  const hi = Math.log10(Math.max(...all.map(b => b[0])) * 1.2)
  const total = sets.map(s => s.bins.reduce((n, [, c]) => n + c, 0))
  const maxShare = Math.max(...sets.flatMap((s, i) => s.bins.map(([, c]) => c / (total[i] || 1))))
  /** @param {number} ms */
  const px = ms => PAD.l + ((Math.log10(ms) - lo) / (hi - lo || 1)) * (W - PAD.l - PAD.r)
  /** @param {number} share */
  const py = share => H - PAD.b - (share / maxShare) * (H - PAD.t - PAD.b)
  const bars = sets.map((s, i) => s.bins.map(([edge, c]) => {
    const x = px(edge)
    return `<rect x="${(x - 3 + i * 3).toFixed(1)}" y="${py(c / (total[i] || 1)).toFixed(1)}" width="3" height="${(H - PAD.b - py(c / (total[i] || 1))).toFixed(1)}" fill="${s.color}" opacity="0.8"/>`
  }).join('')).join('')
  const ticks = []
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) ticks.push(`<text x="${px(10 ** e).toFixed(1)}" y="${H - 10}" text-anchor="middle">${10 ** e >= 1 ? (10 ** e).toFixed(0) : (10 ** e).toFixed(1)} ms</text><line x1="${px(10 ** e).toFixed(1)}" x2="${px(10 ** e).toFixed(1)}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="#e5e7eb"/>`)
  const legend = sets.map((s, i) => `<tspan x="${PAD.l + 8 + i * 200}" fill="${s.color}">■ ${esc(s.name)} (${total[i]} samples)</tspan>`).join('')
  return `<h3>${esc(title)}</h3><svg viewBox="0 0 ${W} ${H + 16}" width="${W}" role="img" aria-label="${esc(title)}"><g font-size="11" fill="#374151">${ticks.join('')}</g>${bars}<text y="${H + 12}" font-size="12">${legend}</text></svg>`
}

/** @param {Summary} s @param {string} title */
export function renderHtml(s, title) {
  const l = s.latencyMs
  const row = (/** @type {string} */ name, /** @type {ReturnType<import('./histogram.mjs').Histogram['summary']>} */ t) => `<tr><td>${esc(name)}</td><td>${t.count}</td><td>${f(t.p50)}</td><td>${f(t.p95)}</td><td>${f(t.p99)}</td><td>${f(t.max)}</td></tr>`
  const series = s.series
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111827;max-width:820px}table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #d1d5db;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.ok{color:#15803d}.bad{color:#b91c1c;font-weight:600}h1{font-size:20px}h2{font-size:16px;margin-top:24px}h3{font-size:14px;margin:16px 0 4px}</style></head><body>
<h1>${esc(title)}: <span class="${s.ok ? 'ok' : 'bad'}">${s.ok ? 'passed' : 'FAILED'}</span></h1>
<p>Profile <b>${esc(s.profile)}</b> for ${f(s.durationS, 0)} s against ${s.instances.map(esc).join(', ')}; ${s.workers} worker thread(s), transport ${esc(s.transport)}${s.killedAtS === null ? '' : `; one instance SIGKILLed at ${f(s.killedAtS, 1)} s`}.</p>
<p><b>lost ${s.lost}</b>, <b>duplicates ${s.duplicates}</b> — ${s.auditedDeliveries} member×message deliveries audited with sync:request; ${s.counts.sent} messages acked (${f(s.ratePerS.acked)}/s), ${s.counts.received} real-time deliveries (${f(s.ratePerS.deliveries)}/s), ${s.counts.recovered} recovered by sync, ${s.counts.resent} resends, ${s.counts.disconnects} unexpected disconnects, ${s.counts.failovers} failovers.</p>
<h2>Thresholds</h2><table><tr><th>check</th><th>value</th><th>limit</th><th></th></tr>${s.thresholds.map(t => `<tr><td>${esc(t.name)}</td><td>${esc(t.value)}</td><td>${esc(t.limit)}</td><td class="${t.ok ? 'ok' : 'bad'}">${t.ok ? 'ok' : 'crossed'}</td></tr>`).join('')}</table>
<h2>Latency (ms)</h2><table><tr><th></th><th>count</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>
${row('send → ack', l.sendAck)}${row('send → deliver', l.deliver)}${row('reconnect + sync (storm)', l.reconnect)}${row('connect', l.connect)}${row('sync:request', l.sync)}${row('history page', l.history)}${row('search', l.search)}</table>
${lineChart('send → ack and send → deliver per second (log scale)', [
  { name: 'ack p50', color: '#2563eb', points: series.map(x => [x.s, x.ackP50]) },
  { name: 'ack p99', color: '#93c5fd', points: series.map(x => [x.s, x.ackP99]) },
  { name: 'deliver p50', color: '#059669', points: series.map(x => [x.s, x.deliverP50]) },
  { name: 'deliver p99', color: '#6ee7b7', points: series.map(x => [x.s, x.deliverP99]) }
], { yLabel: 'ms', log: true, marker: s.killedAtS })}
${lineChart('throughput per second', [
  { name: 'acks/s', color: '#2563eb', points: series.map(x => [x.s, x.acks]) },
  { name: 'deliveries/s', color: '#059669', points: series.map(x => [x.s, x.deliveries]) },
  { name: 'errors/s', color: '#dc2626', points: series.map(x => [x.s, x.errors]) }
], { yLabel: 'per second', marker: s.killedAtS })}
${histogramChart('latency distribution (share of samples per bin, log ms)', [
  { name: 'send → ack', color: '#2563eb', bins: s.bins.sendAck },
  { name: 'send → deliver', color: '#059669', bins: s.bins.deliver }
])}
<h2>Errors by code</h2>${Object.keys(s.errorsByCode).length ? `<table>${Object.entries(s.errorsByCode).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</table>` : '<p>none</p>'} <p>${s.counts.ops} operations, error rate ${f(s.errorRate * 100, 2)} %.</p>
<h2>The driver itself</h2><p>${f(s.driverCpu.msPerMessage, 3)} ms CPU per acked message, ${f(s.driverCpu.usPerDelivery, 1)} µs per delivery, ${f(s.driverCpu.cores, 2)} cores during the load (${s.driverCpu.loadMs} ms), ${s.driverCpu.connectMs} ms CPU to connect.</p>
</body></html>
`
}

/** Writes <name>-summary.json and <name>.html; returns their paths. @param {Summary} s @param {string} dir @param {string} name */
export function writeReports(s, dir, name) {
  mkdirSync(dir, { recursive: true })
  const json = join(dir, `${name}-summary.json`)
  const html = join(dir, `${name}.html`)
  writeFileSync(json, JSON.stringify(s, null, 2))
  writeFileSync(html, renderHtml(s, `Load run ${name}`))
  return { json, html }
}
