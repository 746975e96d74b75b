import { databaseReady } from '../db/ready'
import { getPolicyLimits } from '../services/policy-limits'
import { purgeUnsentUploads } from '../services/upload-sweep'

/** Every instance sweeps unsent uploads now and then; the sweep itself is safe to run concurrently. */
export default defineNitroPlugin((nitroApp) => {
  const ttlMs = getPolicyLimits().unsentUploadTtlMs
  // A quarter of the TTL keeps an upload at most 25 % past it, checked between every second and every 15 minutes.
  const everyMs = Math.min(Math.max(ttlMs / 4, 1000), 15 * 60_000)
  let running: Promise<unknown> | null = null
  const sweep = () => {
    running ??= databaseReady().then(() => purgeUnsentUploads(ttlMs))
      .catch((error: unknown) => console.warn('[uploads] unsent upload sweep failed', error))
      .finally(() => { running = null })
  }
  const timer = setInterval(sweep, everyMs)
  timer.unref()
  nitroApp.hooks.hook('close', async () => {
    clearInterval(timer)
    await running
  })
})
