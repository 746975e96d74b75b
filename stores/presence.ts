import type { PresenceStatus, ProjectMember } from '#shared/types'
import type { PresenceChangePayload } from '#shared/events'
import type { PresenceEntry } from '#shared/presence-schemas'
import { chosenPresence, type ChosenPresence } from '#shared/presence'

/** What we know of one user: their status and, once offline, when they were last seen (null: not known). */
export interface KnownPresence { status: PresenceStatus, lastSeenAt: string | null }

/** Who is online (and when the others were last seen), this tab's connection, and the status the member chose (kept across reloads). */
export const usePresenceStore = defineStore('presence', () => {
  /** Other users' presence as announced or read; absent means not heard of yet. */
  const presence = ref<Record<string, KnownPresence>>({})
  const connected = ref(false)
  const storedPresence = useLocalStorage('chat.presence', 'online')
  const myPresence = computed<ChosenPresence>(() => chosenPresence(storedPresence.value))
  /** This tab idle or hidden long enough to count as away (a chosen status still wins on the server). */
  const idle = ref(false)

  function reset() {
    presence.value = {}
    idle.value = false
  }

  function setConnected(value: boolean) {
    connected.value = value
  }

  function setPresence(payload: PresenceChangePayload) {
    presence.value[payload.userId] = { status: payload.status, lastSeenAt: payload.lastSeenAt }
  }

  /** Entries read from `GET /api/presence`. */
  function setEntries(entries: readonly PresenceEntry[]) {
    for (const e of entries) presence.value[e.userId] = { status: e.status, lastSeenAt: e.lastSeenAt }
  }

  /**
   * A snapshot from a member list, which carries no last seen: an offline member keeps the one
   * already known (GET /api/presence reads it), anyone else was seen at `at`.
   */
  function setSnapshot(list: ProjectMember[], at: string) {
    for (const m of list) {
      const lastSeenAt = m.presence === 'offline' ? presence.value[m.userId]?.lastSeenAt ?? null : at
      presence.value[m.userId] = { status: m.presence, lastSeenAt }
    }
  }

  /** A user's last announced status; null until the server has said anything about them. */
  function presenceOf(userId: string | null | undefined): PresenceStatus | null {
    return (userId && presence.value[userId]?.status) || null
  }

  /** When an offline user was last seen; null while online, never seen, or not known yet. */
  function lastSeenOf(userId: string | null | undefined): string | null {
    const known = userId ? presence.value[userId] : undefined
    return known?.status === 'offline' ? known.lastSeenAt : null
  }

  /** Users we know something about (re-read after a reconnect). */
  function knownIds(): string[] {
    return Object.keys(presence.value)
  }

  function setMyPresence(status: ChosenPresence) {
    storedPresence.value = status
  }

  function setIdle(value: boolean) {
    idle.value = value
  }

  return {
    presence, connected, storedPresence, myPresence, idle,
    reset, setConnected, setPresence, setEntries, setSnapshot, presenceOf, lastSeenOf, knownIds, setMyPresence, setIdle
  }
})
