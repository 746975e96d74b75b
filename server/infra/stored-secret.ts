import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { useDb } from '../db/client'
import { appSettings } from '../db/schema'
import { lazy } from './lazy'

/**
 * A random secret kept in app_settings under `key`, made on first use (by `make`: 32 random bytes
 * unless told otherwise, e.g. a key pair as JSON). It lives in the database so every instance
 * sharing it signs and accepts the same tokens; a failed read is retried next time.
 */
export function storedSecret(key: string, make: () => string = () => randomBytes(32).toString('base64url')): Promise<string> {
  const stored = lazy(`stored-secret:${key}`, async () => {
    const db = await useDb()
    // Two instances starting together both insert; the first wins and both read its value.
    await db.insert(appSettings).values({ key, value: make() }).onConflictDoNothing()
    const [row] = await db.select().from(appSettings).where(eq(appSettings.key, key))
    if (!row) throw new Error(`app setting ${key} vanished after it was stored`)
    return row.value
  })
  const secret = stored()
  secret.catch(() => {
    if (stored.peek() === secret) stored.reset()
  })
  return secret
}
