/** What the server tells the browser at run time (GET /api/config): sign-in mode and limits. */
export interface ClientConfig {
  auth: 'local' | 'supabase'
  supabaseUrl: string | null
  supabaseAnonKey: string | null
  maxMessageLength: number
  uploadMaxBytes: number
}

/** The run-time config, read once by plugins/00.config.client.ts: the one place the client learns its limits. */
export function useClientConfig(): ClientConfig {
  return useNuxtApp().$clientConfig
}
