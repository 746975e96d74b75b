import { join } from 'node:path'
import { getConfig } from '../../utils/config'
import { lazy } from '../lazy'
import { logger } from '../logger'
import { LocalDiskDriver } from './local'
import { SupabaseStorageDriver } from './supabase'
import type { StorageDriver } from './types'

export * from './types'
export { LocalDiskDriver } from './local'
export { SupabaseStorageDriver } from './supabase'

/** The private Supabase Storage bucket attachments live in. */
export const ATTACHMENTS_BUCKET = 'attachments'

/** The process-wide storage driver: Supabase Storage when a service role key is configured, else disk under DATA_DIR/uploads. */
export const useFileStorage = lazy('storage', (): StorageDriver => {
  const config = getConfig()
  if (config.supabase?.serviceRoleKey) {
    return new SupabaseStorageDriver({ url: config.supabase.url, serviceRoleKey: config.supabase.serviceRoleKey, bucket: ATTACHMENTS_BUCKET })
  }
  if (config.supabase) logger.warn('SUPABASE_URL is set without SUPABASE_SERVICE_ROLE_KEY: attachments go to local disk')
  return new LocalDiskDriver(join(config.dataDir, 'uploads'))
})

/** Storage liveness in the shape /api/health reports its other engines. */
export async function checkStorage(): Promise<{ status: 'ok' | 'error', kind: StorageDriver['kind'], latencyMs?: number, error?: string }> {
  const storage = useFileStorage()
  const started = performance.now()
  try {
    await storage.check()
    return { status: 'ok', kind: storage.kind, latencyMs: Math.round((performance.now() - started) * 100) / 100 }
  } catch (error) {
    return { status: 'error', kind: storage.kind, error: error instanceof Error ? error.message : String(error) }
  }
}
