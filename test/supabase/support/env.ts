/** What the supabase project's global setup hands to its test files (vitest provide/inject). */
export interface SupabaseTestEnv {
  /** The chat server in Supabase mode. */
  serverUrl: string
  /** SUPABASE_URL as the server sees it: the gateway, with Auth under /auth/v1. */
  supabaseUrl: string
  issuer: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
  /** The ES256 key Auth signs with (private JWK), so tests can mint tokens the server must accept or refuse. */
  signingJwk: Record<string, unknown>
  /** 'gotrue' when the real Supabase Auth binary ran, 'stub' for the stand-in. */
  authMode: 'gotrue' | 'stub'
  appDatabaseUrl: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    supabase: SupabaseTestEnv
  }
}
