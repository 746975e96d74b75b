import { logger } from '../infra/logger'
import { serverReady } from '../services/instance/startup'
import { getPolicyLimits } from '../services/moderation/policy-limits'
import { purgeUnsentUploads } from '../services/uploads/sweep'

/** Every instance sweeps unsent uploads now and then; the sweep itself is safe to run concurrently. */
export default defineNitroPlugin((nitroApp) => {
  const ttlMs = getPolicyLimits().unsentUploadTtlMs
  // An upload outlives its TTL by at most a quarter of it, and never by more than 15 minutes.
  const everyMs = Math.min(Math.max(ttlMs / 4, 1000), 15 * 60_000)
  let running: Promise<unknown> | null = null
  const sweep = () => {
    running ??= serverReady().then(() => purgeUnsentUploads(ttlMs))
      .catch((err: unknown) => logger.warn({ err }, 'unsent upload sweep failed'))
      .finally(() => { running = null })
  }
  const timer = setInterval(sweep, everyMs)
  timer.unref()
  // Soon after boot as well, so instances that restart often still sweep.
  const first = setTimeout(sweep, Math.min(everyMs, 60_000))
  first.unref()
  nitroApp.hooks.hook('close', async () => {
    clearInterval(timer)
    clearTimeout(first)
    await running
  })
})
