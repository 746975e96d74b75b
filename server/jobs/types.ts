/**
 * Work to run at a given time, by exactly one instance: BullMQ on Redis when REDIS_URL is set,
 * timers in this process otherwise. Handlers must be idempotent all the same: a job can run again
 * after a crash mid-way, and recovery at startup may hand over a job that already ran.
 */
export interface JobQueue<T> {
  /** Runs `data` at `runAt` (now when past). A job id already waiting is not added twice. */
  schedule(jobId: string, data: T, runAt: Date): Promise<void>
  close(): Promise<void>
}

export type JobHandler<T> = (data: T) => Promise<void>

/** Retries for a handler that throws: a failure that is not the job's own fault (database, Redis) passes. */
export const JOB_ATTEMPTS = 5
export const JOB_BACKOFF_MS = 1000
