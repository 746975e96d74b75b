import { resolve } from 'node:path'
import { DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_RATE_LIMIT_PER_MINUTE, DEFAULT_UPLOAD_MAX_BYTES } from '#shared/limits'
import { lazy } from '../infra/lazy'

const int = (value: string | undefined, fallback: number) => {
  const n = Number.parseInt(value ?? '', 10)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

export interface ServerConfig {
  dataDir: string
  databaseUrl: string | null
  /** A streaming replica of DATABASE_URL for history, thread and search reads; null: they read the primary. */
  databaseReadUrl: string | null
  redisUrl: string | null
  supabase: { url: string, anonKey: string, serviceRoleKey: string, jwtSecret: string } | null
  rateLimitPerMinute: number
  maxMessageLength: number
  uploadMaxBytes: number
  jsonBodyMaxBytes: number
  seedDemo: boolean
  /** Local access tokens: short-lived, renewed through the refresh cookie. */
  tokenTtlSeconds: number
  refreshTtlSeconds: number
  /** Proxies in front of the server whose X-Forwarded-For / -Proto entries are trusted. */
  trustProxyHops: number
  authThrottle: AuthThrottleConfig
}

/** Sign-in throttling; the defaults suit production, test and load set-ups raise the per-IP ones. */
export interface AuthThrottleConfig {
  /** Consecutive failed sign-ins for one email from one IP before it is locked. */
  failsPerAccountIp: number
  /** Failed sign-ins from one IP per hour before the IP is locked. */
  failsPerIp: number
  /** Sign-ups from one IP per hour. */
  signupsPerIp: number
  lockoutSeconds: number
}

/** The ceiling for local access tokens: revocation is only as quick as the longest-lived token. */
export const MAX_TOKEN_TTL_SECONDS = 900

/** Reads the environment once; every engine choice (PGlite or Postgres, memory or Redis, local or Supabase) starts here. */
export const getConfig = lazy('config', (): ServerConfig => {
  const env = process.env
  const supabaseUrl = env.SUPABASE_URL?.replace(/\/$/, '') ?? ''
  return {
    dataDir: resolve(env.DATA_DIR || '.data'),
    databaseUrl: env.DATABASE_URL || null,
    // Only beside DATABASE_URL: PGlite has no replica, and one without the other would split reads from writes.
    databaseReadUrl: (env.DATABASE_URL && env.DATABASE_READ_URL) || null,
    redisUrl: env.REDIS_URL || null,
    supabase: supabaseUrl
      ? {
          url: supabaseUrl,
          anonKey: env.SUPABASE_ANON_KEY ?? '',
          serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY ?? '',
          jwtSecret: env.SUPABASE_JWT_SECRET ?? ''
        }
      : null,
    rateLimitPerMinute: int(env.CHAT_RATE_LIMIT_PER_MINUTE, DEFAULT_RATE_LIMIT_PER_MINUTE),
    maxMessageLength: int(env.CHAT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_MESSAGE_LENGTH),
    uploadMaxBytes: int(env.UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_MAX_BYTES),
    jsonBodyMaxBytes: int(env.JSON_BODY_MAX_BYTES, 64 * 1024),
    // The well-known demo passwords must never appear on a real database by accident.
    seedDemo: env.SEED_DEMO === 'true' || (!env.DATABASE_URL && env.SEED_DEMO !== 'false'),
    tokenTtlSeconds: Math.min(int(env.LOCAL_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS), MAX_TOKEN_TTL_SECONDS),
    refreshTtlSeconds: int(env.LOCAL_REFRESH_TTL_SECONDS, 30 * 24 * 3600),
    trustProxyHops: Number.parseInt(env.TRUST_PROXY_HOPS ?? '', 10) > 0 ? Number.parseInt(env.TRUST_PROXY_HOPS!, 10) : 0,
    authThrottle: {
      failsPerAccountIp: int(env.AUTH_LOGIN_FAILS_PER_ACCOUNT_IP, 5),
      failsPerIp: int(env.AUTH_LOGIN_FAILS_PER_IP, 50),
      signupsPerIp: int(env.AUTH_SIGNUPS_PER_IP, 10),
      lockoutSeconds: int(env.AUTH_LOCKOUT_SECONDS, 900)
    }
  }
})

/** For tests that change the environment between cases. */
export function resetConfig() {
  getConfig.reset()
}
