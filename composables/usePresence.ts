import type { ChosenPresence } from '#shared/presence'
import { PRESENCE_QUERY_MAX_IDS, type PresenceEntry } from '#shared/presence-schemas'

/** Ids asked for by components in the same tick, read together; and ids read since the last (re)connect. */
const wanted = new Set<string>()
const read = new Set<string>()
let flushing: Promise<void> | null = null

/**
 * The member's own status (chosen in the user menu, remembered, re-announced on every reconnect) and
 * others' presence read over REST where events cannot tell it: after a reconnect (changes were missed
 * meanwhile) and for people shown without a status or last seen yet.
 */
export function usePresence() {
  const socket = useSocket()
  const store = usePresenceStore()
  const toast = useToast()
  const api = useApi()

  async function setPresence(status: ChosenPresence) {
    store.setMyPresence(status)
    if (!socket.connected) return
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:update', { status })
      if (!ack.ok) toast.add({ title: 'Could not change your status', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not change your status', description: 'No reply from the server', color: 'error' })
    }
  }

  /** Reads the presence of these users (all known ones by default), at most 200 per request. */
  async function refresh(userIds: readonly string[] = store.knownIds()) {
    const ids = [...new Set(userIds)]
    for (const id of ids) read.add(id)
    for (let i = 0; i < ids.length; i += PRESENCE_QUERY_MAX_IDS) {
      const { presence } = await api<{ presence: PresenceEntry[] }>('/api/presence', { query: { userIds: ids.slice(i, i + PRESENCE_QUERY_MAX_IDS).join(',') } })
      store.setEntries(presence)
    }
  }

  /** Makes sure a status (and an offline user's last seen) is known for these users; one request for a tick's worth of asks. */
  function ensure(userIds: readonly (string | null | undefined)[]) {
    for (const id of userIds) {
      if (id && !read.has(id) && (store.presenceOf(id) === null || (store.presenceOf(id) === 'offline' && store.lastSeenOf(id) === null))) wanted.add(id)
    }
    flush()
  }

  function flush() {
    if (!wanted.size || flushing) return
    flushing = nextTick().then(async () => {
      const ids = [...wanted]
      wanted.clear()
      await refresh(ids)
    }).catch((error: unknown) => console.warn('[chat] reading presence failed', error)).finally(() => {
      flushing = null
      flush()
    })
  }

  /** Every (re)connect: the server starts a connection as online, so a chosen away / dnd is restored; and presence changes missed while away are read again. */
  function announce() {
    if (store.myPresence !== 'online') socket.emit('presence:update', { status: store.myPresence })
    read.clear()
    refresh().catch((error: unknown) => console.warn('[chat] re-reading presence failed', error))
  }

  return { setPresence, announce, refresh, ensure }
}
