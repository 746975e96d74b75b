import type { PresenceStatus, ProjectMember } from '#shared/types'
import type { PresenceChangePayload } from '#shared/events'
import { chosenPresence, type ChosenPresence } from '#shared/presence'

/** Who is online, this tab's connection, and the status the member chose (kept across reloads). */
export const usePresenceStore = defineStore('presence', () => {
  /** Other users' presence as announced; absent means not heard of yet. */
  const presence = ref<Record<string, { status: PresenceStatus, lastSeenAt: string }>>({})
  const connected = ref(false)
  const storedPresence = useLocalStorage('chat.presence', 'online')
  const myPresence = computed<ChosenPresence>(() => chosenPresence(storedPresence.value))

  function reset() {
    presence.value = {}
  }

  function setConnected(value: boolean) {
    connected.value = value
  }

  function setPresence(payload: PresenceChangePayload) {
    presence.value[payload.userId] = { status: payload.status, lastSeenAt: payload.lastSeenAt }
  }

  /** A snapshot from a member list; presence:change events take over from here. */
  function setSnapshot(list: ProjectMember[], at: string) {
    for (const m of list) setPresence({ userId: m.userId, status: m.presence, lastSeenAt: at })
  }

  /** A user's last announced status; null until the server has said anything about them. */
  function presenceOf(userId: string | null | undefined): PresenceStatus | null {
    return (userId && presence.value[userId]?.status) || null
  }

  function setMyPresence(status: ChosenPresence) {
    storedPresence.value = status
  }

  return { presence, connected, storedPresence, myPresence, reset, setConnected, setPresence, setSnapshot, presenceOf, setMyPresence }
})
