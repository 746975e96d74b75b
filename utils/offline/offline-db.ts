import type { User } from '#shared/types'
import { idbAll, idbClear, idbDelete, idbGet, idbPut, offlineDbAvailable } from './idb'
import type { OutboxEntry } from './outbox-entries'
import { pagesToEvict, type CachedPage, type CachedSidebar } from './page-cache'

/**
 * What the app keeps on the device between visits: the outbox, recent conversation pages, the
 * sidebar and the last member signed in. Every call is a no-op where IndexedDB is missing.
 */

const USER_KEY = 'user'
const sidebarKey = (userId: string) => `sidebar:${userId}`

/** The member's unsent messages (pending and failed), any order. */
export async function outboxEntries(userId: string): Promise<OutboxEntry[]> {
  if (!offlineDbAvailable()) return []
  return (await idbAll<OutboxEntry>('outbox')).filter(e => e.userId === userId)
}

export async function putOutboxEntry(entry: OutboxEntry): Promise<void> {
  if (offlineDbAvailable()) await idbPut('outbox', entry)
}

/** Whether the send is still waiting on the device (another tab may have sent it meanwhile). */
export async function hasOutboxEntry(clientId: string): Promise<boolean> {
  if (!offlineDbAvailable()) return false
  return !!(await idbGet<OutboxEntry>('outbox', clientId))
}

export async function deleteOutboxEntry(clientId: string): Promise<void> {
  if (offlineDbAvailable()) await idbDelete('outbox', clientId)
}

/** Keeps a conversation's newest page, dropping the least recently saved beyond the limit. */
export async function saveCachedPage(page: CachedPage): Promise<void> {
  if (!offlineDbAvailable()) return
  await idbPut('pages', page)
  const all = await idbAll<CachedPage>('pages')
  await idbDelete('pages', pagesToEvict(all))
}

export async function readCachedPage(conversationId: string, userId: string): Promise<CachedPage | null> {
  if (!offlineDbAvailable()) return null
  const page = await idbGet<CachedPage>('pages', conversationId)
  return page && page.userId === userId ? page : null
}

export async function saveCachedSidebar(sidebar: CachedSidebar): Promise<void> {
  if (offlineDbAvailable()) await idbPut('meta', JSON.parse(JSON.stringify(sidebar)), sidebarKey(sidebar.userId))
}

export async function readCachedSidebar(userId: string): Promise<CachedSidebar | null> {
  if (!offlineDbAvailable()) return null
  return (await idbGet<CachedSidebar>('meta', sidebarKey(userId))) ?? null
}

/** The member signed in on this device, so a reload without a network opens their app (read-only until reconnect). */
export async function rememberUser(user: User): Promise<void> {
  if (offlineDbAvailable()) await idbPut('meta', JSON.parse(JSON.stringify(user)), USER_KEY)
}

export async function rememberedUser(): Promise<User | null> {
  if (!offlineDbAvailable()) return null
  return (await idbGet<User>('meta', USER_KEY)) ?? null
}

/**
 * Forgets what this device kept of the member (they signed out). Unsent messages are dropped too
 * unless `keepOutbox` (the session ended by itself: they are sent once the member signs in again).
 */
export async function forgetDevice(options: { keepOutbox: boolean }): Promise<void> {
  if (!offlineDbAvailable()) return
  await Promise.all([idbClear('pages'), idbClear('meta'), options.keepOutbox ? Promise.resolve() : idbClear('outbox')])
}
