import { Queue, Worker } from 'bullmq'
import { logger } from '../infra/logger'
import { createRedisConnection, isRedisCluster } from '../infra/redis'
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, type JobHandler, type JobQueue } from './types'

/**
 * The key prefix of a queue. BullMQ's scripts touch several keys of one queue at once, so on a Redis
 * Cluster they must share a hash slot: the prefix carries the queue's name as a hash tag, which keeps
 * each queue whole on one node and spreads the queues over the nodes. One server keeps the plain
 * prefix, so jobs already waiting there are found after an upgrade.
 */
export const jobPrefix = (queue: string, cluster: boolean) => cluster ? `{chat-jobs:${queue}}` : 'chat-jobs'

/** A BullMQ queue and worker sharing Redis with every other instance: each job runs on one of them. */
export class BullJobQueue<T extends object> implements JobQueue<T> {
  private readonly queue: Queue
  private readonly worker: Worker

  constructor(readonly name: string, handler: JobHandler<T>) {
    const prefix = jobPrefix(name, isRedisCluster())
    this.queue = new Queue(name, { connection: createRedisConnection(), prefix })
    this.worker = new Worker(name, async job => handler(job.data as T), { connection: createRedisConnection(), prefix, concurrency: 4 })
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
