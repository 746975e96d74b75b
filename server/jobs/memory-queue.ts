import { logger } from '../infra/logger'
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, type JobHandler, type JobQueue } from './types'

// setTimeout holds at most 2^31-1 ms (~24.8 days); later jobs wait in steps.
const MAX_TIMER_MS = 2 ** 31 - 1

/** Timers in this process: the embedded single-instance mode. Jobs lost on restart come back through recovery. */
export class MemoryJobQueue<T extends object> implements JobQueue<T> {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly running = new Set<Promise<void>>()
  private closed = false

  constructor(readonly name: string, private readonly handler: JobHandler<T>) {}

  async schedule(jobId: string, data: T, runAt: Date): Promise<void> {
    if (this.closed || this.timers.has(jobId)) return
    this.arm(jobId, data, runAt.getTime(), 1)
  }

  private arm(jobId: string, data: T, at: number, attempt: number) {
    const wait = at - Date.now()
    const timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) return this.arm(jobId, data, at, attempt)
      const run = this.handler(data).then(
        () => { this.timers.delete(jobId) },
        (err: unknown) => {
          logger.warn({ err, queue: this.name, jobId, attempt }, 'job failed')
          if (attempt < JOB_ATTEMPTS && !this.closed) this.arm(jobId, data, Date.now() + JOB_BACKOFF_MS * 2 ** (attempt - 1), attempt + 1)
          else this.timers.delete(jobId)
        }
      ).finally(() => this.running.delete(run))
      this.running.add(run)
    }, Math.min(Math.max(0, wait), MAX_TIMER_MS))
    timer.unref()
    this.timers.set(jobId, timer)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await Promise.allSettled([...this.running])
  }
}
