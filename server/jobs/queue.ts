import { getConfig } from '../utils/config'
import { BullJobQueue } from './bull-queue'
import { MemoryJobQueue } from './memory-queue'
import type { JobHandler, JobQueue } from './types'

/** A queue for this process, with its worker started. */
export function createJobQueue<T extends object>(name: string, handler: JobHandler<T>): JobQueue<T> {
  return getConfig().redisUrl ? new BullJobQueue<T>(name, handler) : new MemoryJobQueue<T>(name, handler)
}
