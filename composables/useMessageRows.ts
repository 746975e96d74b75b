import type { PresenceStatus } from '#shared/types'
import type { ChatMessage } from '~/utils/chat/timeline'
import { messagePermissions } from '~/utils/chat/message-permissions'
import type { MessagePermissions } from '~/utils/chat/message-permissions'
import { quoteOf } from '~/utils/chat/quote'
import type { QuoteView } from '~/utils/chat/quote'

/** What one message row shows besides the message itself: worked out by its list, handed down as a prop. */
export interface MessageRowContext {
  permissions: MessagePermissions
  quote: QuoteView | null
  /** For a system line about a message (a pin): the seq to jump to. */
  systemTarget: number | null
  /** Display names by user id, for reaction tooltips and the edit history. */
  names: Record<string, string>
  myId: string | undefined
  /** Emoji the reader has put on this message. */
  myReactions: string[]
  senderPresence: PresenceStatus | null
  /** When an offline sender was last seen (the dot's tooltip); null otherwise. */
  senderLastSeenAt: string | null
  /** The socket is up: a pending message is being sent rather than waiting. */
  connected: boolean
  /** Emoji one click away on the toolbar: the fixed quick reactions and recent ones. */
  quick: readonly string[]
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i])
const sameRecord = <T extends object>(a: T | null, b: T | null) =>
  a === b || (!!a && !!b && (Object.keys(a) as (keyof T)[]).every(k => a[k] === b[k]))

/** Equal contexts keep the row's props unchanged, so a presence change elsewhere re-renders no row. */
function sameContext(a: MessageRowContext, b: MessageRowContext): boolean {
  return a.systemTarget === b.systemTarget && a.names === b.names && a.myId === b.myId && a.senderPresence === b.senderPresence
    && a.senderLastSeenAt === b.senderLastSeenAt && a.connected === b.connected && a.quick === b.quick && sameRecord(a.permissions, b.permissions) && sameRecord(a.quote, b.quote)
    && sameList(a.myReactions, b.myReactions)
}

/**
 * The context of every row of one conversation's messages. The stores are read once per list,
 * not once per row: names, the viewer and the timeline are shared by all rows.
 */
export function useMessageRows(conversationId: MaybeRefOrGetter<string>) {
  const auth = useAuthStore()
  const conversations = useConversationsStore()
  const messages = useMessagesStore()
  const presence = usePresenceStore()
  const emoji = useEmoji()
  const previous = new Map<string, MessageRowContext>()

  watch(() => toValue(conversationId), () => previous.clear())

  const viewer = computed(() => ({
    userId: auth.user?.id,
    userRole: auth.user?.role,
    conversation: conversations.conversations[toValue(conversationId)] ?? null
  }))
  const timeline = computed(() => messages.timelineOf(toValue(conversationId)).messages)
  const participantNames = computed<Record<string, string>>(() => Object.fromEntries(
    (conversations.participants[toValue(conversationId)] ?? []).map(p => [p.userId, p.displayName])))
  /** Per sender who is no longer a participant: the names plus theirs, one object for all their rows. */
  const withSender = computed(() => {
    void participantNames.value
    return new Map<string, Record<string, string>>()
  })

  function namesFor(message: ChatMessage): Record<string, string> {
    if (message.senderId in participantNames.value) return participantNames.value
    const key = `${message.senderId} ${message.sender.displayName}`
    let names = withSender.value.get(key)
    if (!names) withSender.value.set(key, names = { ...participantNames.value, [message.senderId]: message.sender.displayName })
    return names
  }

  function rowOf(message: ChatMessage): MessageRowContext {
    const myId = viewer.value.userId
    const next: MessageRowContext = {
      permissions: messagePermissions(message, viewer.value),
      quote: quoteOf(message, timeline.value),
      systemTarget: message.type === 'system' && message.replyToId ? quoteOf({ ...message, type: 'text' }, timeline.value)?.seq ?? null : null,
      names: namesFor(message),
      myId,
      myReactions: myId ? message.reactions.filter(r => r.userIds.includes(myId)).map(r => r.emoji) : [],
      senderPresence: presence.presenceOf(message.senderId),
      senderLastSeenAt: presence.lastSeenOf(message.senderId),
      connected: presence.connected,
      quick: emoji.quick.value
    }
    const before = previous.get(message.id)
    if (before && sameContext(before, next)) return before
    previous.set(message.id, next)
    return next
  }

  return { rowOf }
}
