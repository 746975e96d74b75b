import { DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_UPLOAD_MAX_BYTES } from '#shared/limits'
import type { ClientConfig } from '~/composables/useClientConfig'

/** Reads /api/config once per page load; without an answer the app runs local sign-in on the default limits. */
export default defineNuxtPlugin({
  name: 'client-config',
  parallel: false,
  async setup() {
    const config = await $fetch<ClientConfig>('/api/config').catch((): ClientConfig => ({
      auth: 'local', supabaseUrl: null, supabaseAnonKey: null, maxMessageLength: DEFAULT_MAX_MESSAGE_LENGTH, uploadMaxBytes: DEFAULT_UPLOAD_MAX_BYTES
    }))
    return { provide: { clientConfig: config } }
  }
})
