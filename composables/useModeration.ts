import type { ModerationNotice, Sanction } from '#shared/moderation-schemas'
import { noticeToast } from '~/utils/chat/moderation'

/** The member's side of moderation: what is in force on them, and telling them when it changes. */
export function useModeration() {
  const api = useApi()
  const store = useModerationStore()
  const toast = useToast()

  async function load() {
    const { sanctions } = await api<{ sanctions: Sanction[] }>('/api/me/sanctions')
    store.setAll(sanctions)
  }

  function receive(notice: ModerationNotice) {
    store.receive(notice)
    // A warning stays until read; the rest also show in the composer, so they may fade.
    toast.add({ ...noticeToast(notice), icon: 'i-lucide-shield-alert', duration: notice.kind === 'warn' ? 0 : 8000 })
  }

  return { load, receive }
}
