/**
 * A tiny typed wrapper on the raw IndexedDB API (no package needed): one database for what the app
 * keeps across reloads and closed tabs. `outbox`: unsent messages by clientId; `pages`: the newest
 * page of recently opened conversations by conversationId; `meta`: small records (the last member
 * signed in on this device, their sidebar).
 */

const DB_NAME = 'project-chat-offline'
const DB_VERSION = 1

export type OfflineStoreName = 'outbox' | 'pages' | 'meta'

let opening: Promise<IDBDatabase> | null = null

/** Whether this browser (or test environment) has IndexedDB at all; without it the app keeps working in memory. */
export function offlineDbAvailable(): boolean {
  return typeof indexedDB !== 'undefined'
}

/** Resolves an IDBRequest as a promise. */
function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
  })
}

function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION)
    request.onupgradeneeded = () => {
      const db = request.result
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'clientId' }).createIndex('createdAt', 'createdAt')
      if (!db.objectStoreNames.contains('pages')) db.createObjectStore('pages', { keyPath: 'conversationId' })
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta')
    }
    request.onsuccess = () => {
      const db = request.result
      // Another tab upgrading the schema: let it, and open again on the next call.
      db.onversionchange = () => {
        db.close()
        opening = null
      }
      resolve(db)
    }
    request.onerror = () => {
      opening = null
      reject(request.error ?? new Error('IndexedDB could not be opened'))
    }
    request.onblocked = () => console.warn('[offline] IndexedDB upgrade waits for another tab to close')
  })
  return opening
}

/** Runs `work` in one transaction over `store` and resolves with its result once the transaction has committed. */
async function inTransaction<T>(store: OfflineStoreName, mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T> | undefined): Promise<T | undefined> {
  const db = await openDb()
  return new Promise<T | undefined>((resolve, reject) => {
    const tx = db.transaction(store, mode)
    const request = work(tx.objectStore(store))
    let result: T | undefined
    if (request) settle(request).then((value) => { result = value }, () => {})
    tx.oncomplete = () => resolve(result)
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
  })
}

/** Every record of a store (in key order). */
export async function idbAll<T>(store: OfflineStoreName): Promise<T[]> {
  return (await inTransaction<T[]>(store, 'readonly', s => s.getAll() as IDBRequest<T[]>)) ?? []
}

export async function idbGet<T>(store: OfflineStoreName, key: IDBValidKey): Promise<T | undefined> {
  return await inTransaction<T>(store, 'readonly', s => s.get(key) as IDBRequest<T>)
}

/** Writes a record; `key` only for the `meta` store, whose keys live outside the records. */
export async function idbPut(store: OfflineStoreName, value: unknown, key?: IDBValidKey): Promise<void> {
  await inTransaction(store, 'readwrite', s => s.put(value, key))
}

export async function idbDelete(store: OfflineStoreName, keys: IDBValidKey | IDBValidKey[]): Promise<void> {
  const list = Array.isArray(keys) ? keys : [keys]
  if (!list.length) return
  await inTransaction(store, 'readwrite', (s) => {
    for (const key of list) s.delete(key)
    return undefined
  })
}

export async function idbClear(store: OfflineStoreName): Promise<void> {
  await inTransaction(store, 'readwrite', s => s.clear())
}
