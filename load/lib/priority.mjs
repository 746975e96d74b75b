// Scheduling priority of the processes a measurement is about. On a box shared with other work
// (builds, test suites) the server and the driver otherwise get a slice of the cores in turn with
// every runnable thread, and their latency measures the neighbours. Linux keeps a nice value per
// thread, so every thread of each process is changed. Lowering it (e.g. -10) needs root.
import { readdirSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * Sets the nice value of every thread of each pid; returns how many threads were changed.
 * @param {number[]} pids @param {number} nice
 */
export function reniceAll(pids, nice) {
  let changed = 0
  for (const pid of pids) {
    if (!Number.isFinite(pid)) continue
    /** @type {number[]} */
    let tids
    try {
      tids = readdirSync(`/proc/${pid}/task`).map(Number)
    } catch {
      continue // gone
    }
    for (const tid of tids) {
      try {
        setPriority(tid, nice)
        changed++
      } catch {
        // exited meanwhile, or not allowed
      }
    }
  }
  return changed
}
