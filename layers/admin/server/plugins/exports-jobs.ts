import { createJobQueue, logger, serverReady } from '~~/server/admin-surface'
import { exportsToRecover, purgeExpiredExports, runExport, setExportQueue } from '../services/exports/jobs'

/** How often every instance looks for exports without a worker (lost timers, crashed runs) and expired files. */
const SWEEP_EVERY_MS = 60_000

/**
 * Background exports: one job per export run, keyed by export id and run number, so instances
 * recovering the same export at once queue it once and a takeover after a crash gets a fresh job.
 */
export default defineNitroPlugin((nitroApp) => {
  const queue = createJobQueue<{ id: string }>('exports', ({ id }) => runExport(id))
  setExportQueue((id, jobKey) => queue.schedule(jobKey, { id }, new Date()))
  const sweep = () => serverReady()
    .then(() => exportsToRecover())
    .then(rows => Promise.all(rows.map(r => queue.schedule(r.jobKey, { id: r.id }, new Date()))))
    .then(() => purgeExpiredExports())
    .catch((err: unknown) => logger.warn({ err }, 'could not recover exports'))
  void sweep()
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS)
  timer.unref()
  nitroApp.hooks.hook('close', async () => {
    clearInterval(timer)
    setExportQueue(null)
    await queue.close()
  })
})
