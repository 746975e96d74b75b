import type { ModerationNotice, Sanction } from '#shared/moderation-schemas'
import { applyNotice } from '~/utils/chat/moderation'

/** The member's own mutes and bans in force, and the last warning a moderator sent them. */
export const useModerationStore = defineStore('moderation', () => {
  const sanctions = ref<Sanction[]>([])
  const lastWarning = ref<ModerationNotice | null>(null)

  function setAll(list: Sanction[]) {
    sanctions.value = list
  }

  function receive(notice: ModerationNotice) {
    if (notice.kind === 'warn') lastWarning.value = notice
    sanctions.value = applyNotice(sanctions.value, notice)
  }

  function dismissWarning() {
    lastWarning.value = null
  }

  function reset() {
    sanctions.value = []
    lastWarning.value = null
  }

  return { sanctions, lastWarning, setAll, receive, dismissWarning, reset }
})
