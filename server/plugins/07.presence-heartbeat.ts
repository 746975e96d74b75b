import { logger } from '../infra/logger'
import { serverReady } from '../services/instance/startup'
import { getPresenceTiming } from '../services/people/presence-timing'
import { renewOwnHeartbeats, sweepExpiredHeartbeats } from '../services/people/presence-sweep'
import { liveSockets } from '../services/people/presence-sockets'

/**
 * Presence without ghosts: every instance renews the heartbeats of its own sockets and sweeps the
 * ones that ran out (an instance killed with open sockets stops renewing them), so a user it held
 * goes offline on the survivors within PRESENCE_TTL_SECONDS + PRESENCE_SWEEP_SECONDS.
 */
export default defineNitroPlugin((nitroApp) => {
  const { refreshMs, sweepMs } = getPresenceTiming()
  // Defines the heartbeat scripts on the shared Redis client before any socket connects: a command
  // defined while an auto-pipeline is open is missing from that pipeline (server/infra/redis.ts).
  liveSockets()
  /** Runs `task` unless its previous run is still going (a slow Redis must not pile runs up). */
  const single = (what: string, task: () => Promise<unknown>) => {
    let running: Promise<unknown> | null = null
    const run = () => {
      running ??= serverReady().then(task)
        .catch((err: unknown) => logger.warn({ err }, `presence ${what} failed`))
        .finally(() => { running = null })
    }
    return { run, idle: () => running }
  }
  const renew = single('heartbeat renewal', renewOwnHeartbeats)
  const sweep = single('sweep', sweepExpiredHeartbeats)
  const timers = [setInterval(renew.run, refreshMs), setInterval(sweep.run, sweepMs)]
  for (const timer of timers) timer.unref()
  nitroApp.hooks.hook('close', async () => {
    for (const timer of timers) clearInterval(timer)
    await Promise.all([renew.idle(), sweep.idle()])
  })
})
