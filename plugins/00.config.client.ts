import { DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_UPLOAD_MAX_BYTES } from '#shared/limits'
import type { ClientConfig } from '~/composables/useClientConfig'

/** The last answer, kept so the app opened without a network runs in the same sign-in mode. */
const CONFIG_KEY = 'chat.config'

function lastConfig(): ClientConfig | null {
  try {
    const kept = JSON.parse(localStorage.getItem(CONFIG_KEY) ?? 'null') as ClientConfig | null
    return kept && (kept.auth === 'local' || kept.auth === 'supabase') ? kept : null
  } catch {
    return null
  }
}

/**
 * Reads /api/config once per page load; without an answer the app runs on the last one kept here,
 * else local sign-in on the default limits.
 */
export default defineNuxtPlugin({
  name: 'client-config',
  parallel: false,
  async setup() {
    const config = await $fetch<ClientConfig>('/api/config').then((fresh) => {
      localStorage.setItem(CONFIG_KEY, JSON.stringify(fresh))
      return fresh
    }).catch((): ClientConfig => lastConfig() ?? {
      auth: 'local', supabaseUrl: null, supabaseAnonKey: null, maxMessageLength: DEFAULT_MAX_MESSAGE_LENGTH, uploadMaxBytes: DEFAULT_UPLOAD_MAX_BYTES
    })
    return { provide: { clientConfig: config } }
  }
})
