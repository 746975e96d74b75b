import { Queue, Worker } from 'bullmq'
import { logger } from '../infra/logger'
import { createRedisConnection } from '../infra/redis'
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, type JobHandler, type JobQueue } from './types'

/** A BullMQ queue and worker sharing Redis with every other instance: each job runs on one of them. */
export class BullJobQueue<T extends object> implements JobQueue<T> {
  private readonly queue: Queue
  private readonly worker: Worker

  constructor(readonly name: string, handler: JobHandler<T>) {
    this.queue = new Queue(name, { connection: createRedisConnection(), prefix: 'chat-jobs' })
    this.worker = new Worker(name, async job => handler(job.data as T), { connection: createRedisConnection(), prefix: 'chat-jobs', concurrency: 4 })
    this.worker.on('failed', (job, err) => logger.warn({ err, queue: name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed'))
    this.worker.on('error', err => logger.warn({ err, queue: name }, 'job worker error'))
  }

  async schedule(jobId: string, data: T, runAt: Date): Promise<void> {
    await this.queue.add(this.name, data, {
      jobId,
      delay: Math.max(0, runAt.getTime() - Date.now()),
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 }
    })
  }

  async close(): Promise<void> {
    await this.worker.close()
    await this.queue.close()
  }
}
