import { dndEnd, isActiveUntil, type DndChoice } from '~/utils/notifications/timers'

/**
 * Do not disturb with a timer, kept on the account (`PATCH /api/me { dndUntil }`) so every device
 * and the server's notifier agree. The older status "Do not disturb" (no timer) counts too.
 */
export function useDnd() {
  const auth = useAuthStore()
  const presence = usePresenceStore()
  const profile = useProfile()
  const { setPresence } = usePresence()
  // Re-read every 30 s so a timer that ran out lifts the badge without a reload.
  const now = useNow({ interval: 30_000 })

  const until = computed(() => auth.user?.dndUntil ?? null)
  const timed = computed(() => isActiveUntil(until.value, now.value.getTime()))
  const active = computed(() => timed.value || presence.myPresence === 'dnd')

  /** Whether notifications are held right now (read at the instant, not at the last tick). */
  function holding(at = Date.now()): boolean {
    return isActiveUntil(until.value, at) || presence.myPresence === 'dnd'
  }

  async function save(dndUntil: string | null) {
    await profile.update({ dndUntil })
  }

  async function start(choice: DndChoice) {
    await save(dndEnd(choice, new Date()).toISOString())
  }

  /** Ends do not disturb, the timed one and the chosen status alike. */
  async function stop() {
    if (presence.myPresence === 'dnd') await setPresence('online')
    await save(null)
  }

  return { until, timed, active, holding, start, stop }
}
