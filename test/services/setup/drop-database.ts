import { setTimeout as sleep } from 'node:timers/promises'
import type postgres from 'postgres'

/** Postgres' SQLSTATE for insufficient_privilege. */
const INSUFFICIENT_PRIVILEGE = '42501'

/**
 * Drops a database a test made, with any session still in it. Postgres 15 refuses WITH (FORCE) to a
 * role that is not a superuser while an autovacuum worker is in the database ("must be a member of
 * the role whose process is being terminated": the worker runs as no role), which a database just
 * migrated often has. A plain DROP asks autovacuum to stop and waits for it, so that is tried then;
 * it fails instead while a session is still connected, so the forced one is tried again after a pause.
 */
export async function dropDatabase(admin: postgres.Sql, name: string, attempts = 5): Promise<void> {
  const quoted = `"${name.replaceAll('"', '""')}"`
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.unsafe(`drop database if exists ${quoted} with (force)`)
      return
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE || attempt >= attempts) throw error
    }
    try {
      await admin.unsafe(`drop database if exists ${quoted}`)
      return
    } catch {
      await sleep(200)
    }
  }
}
