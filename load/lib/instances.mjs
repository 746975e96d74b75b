// Built server instances for load runs (load/ci.mjs): started on Postgres + Redis with limits
// raised for load, stopped (or SIGKILLed) by pid, never left running. They start through the
// project's one launcher; what is particular to load is their environment.
export { freePort, killAll, servicesUp, startInstance } from '../../test/support/instance.mjs'

/**
 * Environment of an instance started for load. Load traffic is far above what the per-user
 * limits allow a person (sends, syncs, sign-ins), so they are raised here: every new limit gets
 * its generous value in this one place. No demo data is needed (seed:load signs its own users
 * up). LOAD_INSTANCE_ENV="NAME=value,NAME2=value" adds or overrides entries for one run.
 * @param {Record<string, string | undefined>} [env]
 * @returns {Record<string, string>}
 */
export function loadInstanceEnv(env = process.env) {
  /** @type {Record<string, string>} */
  const base = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    // Load users all come from 127.0.0.1 and send, sync and sign in far faster than a person.
    CHAT_RATE_LIMIT_PER_MINUTE: '1000000',
    SYNC_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_SIGNUPS_PER_IP: '1000000',
    AUTH_LOGIN_FAILS_PER_IP: '1000000',
    // seed:load's owner invites every load user into its project.
    INVITATIONS_PER_HOUR: '1000000'
  }
  for (const pair of (env.LOAD_INSTANCE_ENV ?? '').split(',').map(s => s.trim()).filter(Boolean)) {
    const i = pair.indexOf('=')
    if (i > 0) base[pair.slice(0, i)] = pair.slice(i + 1)
  }
  return base
}
