import { resolve } from 'node:path'
import { DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_RATE_LIMIT_PER_MINUTE } from '#shared/limits'

const int = (value: string | undefined, fallback: number) => {
  const n = Number.parseInt(value ?? '', 10)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

export interface ServerConfig {
  dataDir: string
  databaseUrl: string | null
  redisUrl: string | null
  supabase: { url: string, anonKey: string, serviceRoleKey: string, jwtSecret: string } | null
  rateLimitPerMinute: number
  maxMessageLength: number
  uploadMaxBytes: number
  jsonBodyMaxBytes: number
  seedDemo: boolean
  tokenTtlSeconds: number
}

let cached: ServerConfig | undefined

/** Reads the environment once; every engine choice (PGlite or Postgres, memory or Redis, local or Supabase) starts here. */
export function getConfig(): ServerConfig {
  if (cached) return cached
  const env = process.env
  const supabaseUrl = env.SUPABASE_URL?.replace(/\/$/, '') ?? ''
  cached = {
    dataDir: resolve(env.DATA_DIR || '.data'),
    databaseUrl: env.DATABASE_URL || null,
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
    uploadMaxBytes: int(env.UPLOAD_MAX_BYTES, 26214400),
    jsonBodyMaxBytes: int(env.JSON_BODY_MAX_BYTES, 64 * 1024),
    seedDemo: env.SEED_DEMO !== 'false',
    tokenTtlSeconds: int(env.LOCAL_TOKEN_TTL_SECONDS, 12 * 3600)
  }
  return cached
}

/** For tests that change the environment between cases. */
export function resetConfig() {
  cached = undefined
}
