import type { Conversation, ConversationType } from '#shared/types'

type Named = Pick<Conversation, 'type' | 'title'> & { peer?: Conversation['peer'] }

const ICONS: Record<ConversationType, string> = {
  project: 'i-lucide-hash',
  group: 'i-lucide-users',
  direct: 'i-lucide-at-sign',
  support: 'i-lucide-life-buoy',
  announcement: 'i-lucide-megaphone'
}

/** A conversation's name: a direct message is named after the other person, the rest by their title. */
export function conversationName(conversation: Named): string {
  return conversation.type === 'direct' ? conversation.peer?.displayName ?? conversation.title : conversation.title
}

/** The name as sentences show it: `#general`, or the person's name for a direct message. */
export function conversationLabel(conversation: Named): string {
  return conversation.type === 'direct' ? conversationName(conversation) : `#${conversationName(conversation)}`
}

/** The icon of a conversation's type, the same in the sidebar, the header and search. */
export function conversationIcon(type: ConversationType): string {
  return ICONS[type]
}
