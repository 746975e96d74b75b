import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { servicesUp } from '../../support/instance.mjs'
import { createSupabaseLikeDatabase, migrateDrizzle, root, supabaseApply } from '../support/db'
import { legacySecretJwk, mintHs256, newSigningKey } from '../support/keys'
import { startAuthProxy } from '../support/proxy'
import { startGoTrueStub } from '../support/gotrue-stub'
import type { SupabaseTestEnv } from '../support/env'

// The build used is NUXT_OUTPUT_DIR's (built into NUXT_BUILD_DIR when stale): run this project as
// `NUXT_BUILD_DIR=.nuxt-supa NUXT_OUTPUT_DIR=.output-supa vitest run --project supabase` so it never
// rebuilds under another project's feet. It is not set here: it would hold for every project of the
// same vitest process.

const APP_DB = 'chat_supabase_app'
/** scripts/gotrue-up.sh's exit code for "no GoTrue binary or migrations here". */
const GOTRUE_UNAVAILABLE = 3

/**
 * The supabase project: a Supabase-shaped database on the services-up.sh cluster (drizzle
 * migrations + supabase/sql), Supabase Auth behind an /auth/v1 gateway, and the built server
 * in Supabase mode. Real GoTrue runs when scripts/gotrue-up.sh finds a binary (GOTRUE_BIN) and its
 * migrations (GOTRUE_MIGRATIONS); SUPABASE_AUTH=gotrue requires it, =stub skips it. Otherwise the
 * stand-in with the same routes, token shapes and signing-key rules.
 */
export default async function setup(project: TestProject) {
  const { ensureBuilt, startInstance, freePort } = await import('../../support/instance.mjs')
  servicesUp()
  ensureBuilt()

  const appDatabaseUrl = createSupabaseLikeDatabase(APP_DB)
  await migrateDrizzle(appDatabaseUrl)
  supabaseApply(appDatabaseUrl)

  const jwtSecret = randomBytes(32).toString('base64url')
  const key = await newSigningKey()
  // As on a hosted project with asymmetric signing keys: ES256 signs; the legacy secret, which
  // signed the anon and service-role keys, stays in the set to verify them (HS256, verify only).
  const jwtKeys = [key.privateJwk, legacySecretJwk(jwtSecret)]
  const tenYears = 10 * 365 * 24 * 3600
  const anonKey = await mintHs256(jwtSecret, { role: 'anon' }, { issuer: 'supabase-demo', expiresIn: tenYears })
  const serviceRoleKey = await mintHs256(jwtSecret, { role: 'service_role' }, { issuer: 'supabase-demo', expiresIn: tenYears })

  const proxyPort = await freePort()
  const supabaseUrl = `http://127.0.0.1:${proxyPort}`
  const issuer = `${supabaseUrl}/auth/v1`

  const stops: (() => Promise<void> | void)[] = []
  let authMode: SupabaseTestEnv['authMode'] = 'stub'
  let authUrl: string
  const want = process.env.SUPABASE_AUTH ?? 'auto'
  const gotrueUp = want === 'stub'
    ? null
    : spawnSync('bash', [join(root, 'scripts', 'gotrue-up.sh')], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, GOTRUE_JWT_SECRET: jwtSecret, GOTRUE_JWT_KEYS: JSON.stringify(jwtKeys), GOTRUE_JWT_ISSUER: issuer, API_EXTERNAL_URL: issuer, GOTRUE_DB_RESET: '1', GOTRUE_PORT: process.env.GOTRUE_PORT ?? '9999' }
      })
  if (gotrueUp && gotrueUp.status === 0) {
    authMode = 'gotrue'
    authUrl = `http://127.0.0.1:${process.env.GOTRUE_PORT ?? '9999'}`
    stops.push(() => { spawnSync('bash', [join(root, 'scripts', 'gotrue-down.sh')], { stdio: 'inherit' }) })
  } else {
    if (want === 'gotrue') throw new Error(`SUPABASE_AUTH=gotrue but scripts/gotrue-up.sh failed:\n${gotrueUp?.stderr}`)
    // Exit 3: no GoTrue on this machine. Anything else is a GoTrue that is there but broken.
    if (gotrueUp && gotrueUp.status !== GOTRUE_UNAVAILABLE) throw new Error(`scripts/gotrue-up.sh failed (${gotrueUp.status}):\n${gotrueUp.stderr}`)
    if (gotrueUp) console.warn(`[supabase setup] real GoTrue unavailable, using the stand-in:\n${gotrueUp.stderr.trim()}`)
    const stub = await startGoTrueStub({ issuer, keys: jwtKeys, jwtSecret })
    authUrl = stub.url
    stops.push(stub.close)
  }
  const proxy = await startAuthProxy({ target: authUrl, apiKeys: [anonKey, serviceRoleKey], port: proxyPort })
  stops.push(proxy.close)

  const server = await startInstance({
    env: {
      DATABASE_URL: appDatabaseUrl,
      SUPABASE_URL: supabaseUrl,
      SUPABASE_ANON_KEY: anonKey,
      SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
      SUPABASE_JWT_SECRET: jwtSecret
    }
  })
  stops.push(() => server.stop())

  const env: SupabaseTestEnv = { serverUrl: server.url, supabaseUrl, issuer, anonKey, serviceRoleKey, jwtSecret, signingJwk: key.privateJwk as Record<string, unknown>, authMode, appDatabaseUrl }
  project.provide('supabase', env)
  return async () => {
    for (const stop of stops.reverse()) await stop()
    if (process.env.SUPABASE_TEST_SERVER_LOG === '1') console.log(server.output())
  }
}
