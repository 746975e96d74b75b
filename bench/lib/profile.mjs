// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/area, so the
// report can say where the server's time goes per message.
import { readFileSync } from 'node:fs'

function area(url) {
  if (!url) return '(native/V8)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1]
  if (url.startsWith('node:')) return 'node core'
  if (url.includes('/chunks/') || url.includes('/server/')) return 'app (server bundle)'
  return url.split('/').slice(-2).join('/')
}

/** skipMs: samples of the first skipMs (process start, warm-up) are left out. */
export function summarizeProfile(path, { top = 25, skipMs = 0 } = {}) {
  const prof = JSON.parse(readFileSync(path, 'utf8'))
  const byId = new Map(prof.nodes.map(n => [n.id, n]))
  const parent = new Map()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  // Native frames (write syscalls, JSON, crypto) count for the nearest JavaScript caller's area.
  const callerArea = (id) => {
    for (let p = parent.get(id), depth = 0; p !== undefined && depth < 60; p = parent.get(p), depth++) {
      const url = byId.get(p).callFrame.url
      if (url && !url.startsWith('node:')) return area(url)
    }
    return '(native/V8)'
  }
  const dt = new Map()
  // timeDeltas[i] is the time before sample i; attribute it to that sample's node.
  let t = 0
  let totalUs = 0
  prof.samples.forEach((id, i) => {
    t += prof.timeDeltas[i] ?? 0
    if (t < skipMs * 1000) return
    dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0))
    totalUs += prof.timeDeltas[i] ?? 0
  })
  const fns = new Map()
  const areas = new Map()
  for (const [id, us] of dt) {
    const n = byId.get(id)
    const cf = n.callFrame
    const name = cf.functionName || '(anonymous)'
    const key = `${name} ${cf.url ? cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/\.output[^/]*\//, '') : ''}:${cf.lineNumber + 1}`
    fns.set(key, (fns.get(key) ?? 0) + us)
    const special = ['(idle)', '(garbage collector)', '(program)', '(root)']
    const a = special.includes(name) ? name : cf.url && !cf.url.startsWith('node:') ? area(cf.url) : `${callerArea(id)} via node core/native`
    areas.set(a, (areas.get(a) ?? 0) + us)
  }
  const busyUs = totalUs - (areas.get('(idle)') ?? 0)
  const sort = m => [...m.entries()].sort((a, b) => b[1] - a[1])
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    areas: sort(areas).filter(([k]) => k !== '(idle)').slice(0, 15).map(([k, us]) => ({ area: k, ms: us / 1000, pctOfBusy: (100 * us) / busyUs })),
    functions: sort(fns).filter(([k]) => !k.startsWith('(idle)')).slice(0, top).map(([k, us]) => ({ fn: k, ms: us / 1000, pctOfBusy: (100 * us) / busyUs }))
  }
}
