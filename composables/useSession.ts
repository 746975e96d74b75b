import type { User } from '#shared/types'
import { forgetDevice } from '~/utils/offline/offline-db'

/** Signing in and out: the chat state of one member never outlives their session. */
export function useSession() {
  const auth = useAuthStore()
  const toast = useToast()
  const nuxtApp = useNuxtApp()
  const stores = [
    useConversationsStore(), useMessagesStore(), usePresenceStore(), useTypingStore(), useDraftsStore(), useScheduledStore(), useModerationStore(), useInvitationsStore(),
    useNotificationsStore(), useThreadInboxStore(), useReceiptsStore()
  ]

  function clearChat() {
    for (const store of stores) store.reset()
  }

  function signIn(accessToken: string, user: User) {
    clearChat()
    auth.setSession(accessToken, user)
  }

  async function signOut(reason?: string) {
    // Forget the session here first, so the server dropping this tab's socket is not taken for a lost session.
    auth.signOut()
    await useAuthBackend().signOut().catch(logFailure('signing out of the auth backend'))
    clearChat()
    // What this device kept of the member goes; unsent messages stay only when the session ended by itself.
    await forgetDevice({ keepOutbox: !!reason }).catch(logFailure('clearing this device'))
    if (reason) toast.add({ title: reason, color: 'warning', icon: 'i-lucide-log-out' })
    await nuxtApp.runWithContext(() => navigateTo('/login'))
  }

  return { signIn, signOut }
}
