import { getConfig } from '../utils/config'

/** What the browser needs to know at run time, so one build serves local and Supabase sign-in alike. */
export default defineEventHandler(() => {
  const config = getConfig()
  return {
    auth: config.supabase ? 'supabase' as const : 'local' as const,
    supabaseUrl: config.supabase?.url ?? null,
    supabaseAnonKey: config.supabase?.anonKey ?? null,
    maxMessageLength: config.maxMessageLength,
    uploadMaxBytes: config.uploadMaxBytes
  }
})
