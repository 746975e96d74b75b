import type { Conversation } from '#shared/types'
import { muteNotice } from '~/utils/chat/moderation'

/**
 * Whether and how the member may post in a conversation, as the composer shows it: a mute or ban
 * of theirs, an admin's lock or archive, slow mode, an announcement's closed top level.
 * The server decides again on every send; this only says it first.
 */
export function usePostingState(conversation: MaybeRefOrGetter<Conversation>) {
  const auth = useAuthStore()
  const moderation = useModerationStore()
  // Ticks so a mute that runs out stops showing without a reload.
  const now = useNow({ interval: 30_000 })

  /** Locks and slow mode are a server admin's decision and bind everyone else, the conversation's owners included. */
  const moderator = computed(() => auth.isAdmin)
  /** Sanctions bind moderators too, unlike locks. */
  const mutedReason = computed(() => muteNotice(moderation.sanctions, toValue(conversation), now.value.getTime()))
  const statusReason = computed(() => {
    const status = toValue(conversation).status
    if (status === 'locked') return 'This conversation is locked by an admin.'
    if (status === 'archived') return 'This conversation is archived.'
    return ''
  })
  const lockedReason = computed(() => mutedReason.value || (moderator.value ? '' : statusReason.value))
  /** The hint says the slow-mode pace before a send is refused. */
  const slowModeSeconds = computed(() => moderator.value ? 0 : toValue(conversation).settings.slowModeSeconds ?? 0)
  /** Announcements: members react and reply in threads; only owners and admins post at the top level. */
  const topLevelClosed = computed(() => {
    const c = toValue(conversation)
    return c.type === 'announcement' && c.myRole === 'member' && !auth.isAdmin
  })

  return { moderator, mutedReason, statusReason, lockedReason, slowModeSeconds, topLevelClosed }
}
