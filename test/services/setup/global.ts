import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import postgres from 'postgres'
import { Redis } from 'ioredis'
import { ensureBuilt, servicesUp, startInstance, SUITE_AUTH_LIMITS, type Instance } from '../../support/instance.mjs'
import { dropDatabase } from './drop-database'

const root = join(import.meta.dirname, '..', '..', '..')

/** Where the postgres-redis project's Postgres and Redis live (scripts/services-up.sh defaults). */
export const SERVICES = {
  adminDatabaseUrl: process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://chat:chat@127.0.0.1:54329/chat',
  databaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://chat:chat@127.0.0.1:54329/chat_test',
  // Database 1, so a developer's data in database 0 survives the test reset.
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:63790/1',
  redisPort: Number(process.env.CHAT_REDIS_PORT ?? 63790)
}

/**
 * Creates the test database when it is missing (a second group of the suite runs on a database of
 * its own), empties it (schemas public and drizzle) and drops throw-away databases of earlier runs.
 */
async function resetDatabase() {
  const name = decodeURIComponent(new URL(SERVICES.databaseUrl).pathname.slice(1))
  const creator = postgres(SERVICES.adminDatabaseUrl, { max: 1, onnotice: () => {} })
  try {
    const [found] = await creator`select 1 from pg_database where datname = ${name}`
    if (!found) await creator.unsafe(`create database "${name.replaceAll('"', '""')}"`)
  } finally {
    await creator.end({ timeout: 5 })
  }
  const sql = postgres(SERVICES.databaseUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe('drop schema if exists drizzle cascade; drop schema if exists public cascade; create schema public;')
  } finally {
    await sql.end({ timeout: 5 })
  }
  const admin = postgres(SERVICES.adminDatabaseUrl, { max: 1, onnotice: () => {} })
  try {
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'chat_mig_%'`
    for (const { datname } of stale) await dropDatabase(admin, datname)
  } finally {
    await admin.end({ timeout: 5 })
  }
}

async function flushRedis() {
  const redis = new Redis(SERVICES.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 })
  try {
    await redis.connect()
    await redis.flushdb()
  } finally {
    redis.disconnect()
  }
}

/**
 * The postgres-redis project: real PostgreSQL 15 + Redis, and two instances of the built server sharing
 * them (and one DATA_DIR, as a shared volume would be for uploads). Both start at the same moment
 * on an empty database, so the migration lock is exercised on every run.
 */
export default async function setup(project: TestProject) {
  servicesUp()
  await Promise.all([resetDatabase(), flushRedis()])
  ensureBuilt()
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-svc-'))
  const env = {
    DATABASE_URL: SERVICES.databaseUrl,
    REDIS_URL: SERVICES.redisUrl,
    DATA_DIR: dataDir,
    // The suites sign in as the demo users, which a Postgres database only gets when asked for.
    SEED_DEMO: 'true',
    ...SUITE_AUTH_LIMITS,
    ...(process.env.SOCKET_ADAPTER ? { SOCKET_ADAPTER: process.env.SOCKET_ADAPTER } : {})
  }
  const started = performance.now()
  const servers: Instance[] = await Promise.all([startInstance({ name: 'A', env }), startInstance({ name: 'B', env })])
  console.log(`[services] 2 instances (${process.env.SOCKET_ADAPTER || 'default'} adapter) healthy in ${Math.round(performance.now() - started)} ms: ${servers.map(s => s.url).join(' ')}`)
  project.provide('servers', servers.map(s => s.url))
  project.provide('services', { ...SERVICES, dataDir })
  return async () => {
    const logDir = join(root, 'test-output', 'services')
    mkdirSync(logDir, { recursive: true })
    servers.forEach((s, i) => writeFileSync(join(logDir, `server-${'AB'[i]}.log`), s.output()))
    await Promise.all(servers.map(s => s.stop()))
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: string[]
    services: typeof SERVICES & { dataDir: string }
  }
}
