import { DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_UPLOAD_MAX_BYTES } from '#shared/limits'
import type { ClientConfig } from '~/composables/useClientConfig'
import { CONFIG_KEY, takeEarly } from '~/utils/boot/early-requests'

/** The answer kept on this device by an earlier page load, if any. */
export function keptClientConfig(): ClientConfig | null {
  try {
    const kept = JSON.parse(localStorage.getItem(CONFIG_KEY) ?? 'null') as ClientConfig | null
    return kept && (kept.auth === 'local' || kept.auth === 'supabase') ? kept : null
  } catch {
    return null
  }
}

let request: Promise<ClientConfig> | undefined

/**
 * GET /api/config, once per page load (asked by the page shell already, else now); without an answer
 * the last one kept on this device (so the app opened offline runs in the same sign-in mode), else
 * local sign-in on the default limits.
 */
export function readClientConfig(): Promise<ClientConfig> {
  const early = takeEarly('config') as Promise<ClientConfig> | null
  request ??= (early ?? $fetch<ClientConfig>('/api/config')).then((fresh) => {
    localStorage.setItem(CONFIG_KEY, JSON.stringify(fresh))
    return fresh
  }).catch((): ClientConfig => keptClientConfig() ?? {
    auth: 'local', supabaseUrl: null, supabaseAnonKey: null, maxMessageLength: DEFAULT_MAX_MESSAGE_LENGTH, uploadMaxBytes: DEFAULT_UPLOAD_MAX_BYTES
  })
  return request
}
